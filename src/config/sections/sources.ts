// The `sources:` section. Each entry is validated by its kind's own schema through the source
// registry (src/connectors/sources/registry.ts), so a bad field of any kind is named by its path
// and an unknown kind lists the known ones.
import { z } from 'zod';
import { validateSourceConfig, type SourceConfig } from '../../connectors/sources/registry';

export { baseSourceShape, cronExpression, joinRuleSchema, type BaseSourceConfig, type JoinRuleSpec } from '../../connectors/sources/base-config';
export { csvSourceSchema, REQUIRED_CSV_ATTRIBUTES, type CsvSourceConfig } from '../../connectors/sources/csv/config';
export { fakeSourceSchema, type FakeSourceConfig } from '../../connectors/sources/fake/config';
export type { SourceConfig };

export const sourceSchema: z.ZodType<SourceConfig, unknown> = z.unknown().transform((value, ctx) => {
  const checked = validateSourceConfig(value);
  if (checked.ok) return checked.config;
  for (const issue of checked.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  return z.NEVER;
});
