// Configuration of a BambooHR source: the company's API gateway URL, the API key of a user who may
// see the mapped fields, and which BambooHR field feeds each canonical attribute.
import { z } from 'zod';
import { baseSourceShape } from '../base-config';
import { attributeNameIssues, timeZoneSchema } from '../workday/config';
import { bamboohrHookSchema } from '../hook-config';

const gatewayUrl = z.url({ protocol: /^https?$/, error: 'must be the http(s) API gateway URL, https://api.bamboohr.com/api/gateway.php/<company>' }).refine(
  (v) => /\/gateway\.php\/[^/]+\/?$/.test(new URL(v).pathname),
  { error: 'must end in /api/gateway.php/<company> (the company subdomain, without /v1)' },
);

export const bamboohrSourceSchema = z
  .object({
    ...baseSourceShape,
    kind: z.literal('bamboohr'),
    url: gatewayUrl,
    apiKey: z.string().min(1).optional(),
    /** a file holding the API key, so it stays out of the configuration */
    apiKeyFile: z.string().min(1).optional(),
    /** canonical attribute -> BambooHR field name (alias), e.g. { department: "division" }; null drops a default */
    fields: z.record(z.string(), z.string().min(1).nullable()).default({}),
    /** the company's IANA time zone, when its hire and termination dates are not UTC days */
    timeZone: timeZoneSchema.optional(),
    /** every this many runs the read is full, to catch what the change list misses */
    fullEvery: z.number().int().min(1).default(24),
    timeoutMs: z.number().int().min(100).default(60_000),
    /** attempts for 5xx and transport errors before the read is declared incomplete */
    attempts: z.number().int().min(1).max(10).default(4),
    /** present = BambooHR webhooks at /hooks/<name> trigger a re-read of the employees they name */
    hook: bamboohrHookSchema.optional(),
  })
  .strict()
  // `when`: run even when other fields failed, so one `config check` names every problem
  .superRefine((cfg, ctx) => {
    if (cfg.apiKey === undefined && cfg.apiKeyFile === undefined) ctx.addIssue({ code: 'custom', path: ['apiKey'], message: 'is required (or apiKeyFile)' });
    if (cfg.apiKey !== undefined && cfg.apiKeyFile !== undefined) ctx.addIssue({ code: 'custom', path: ['apiKey'], message: 'set either apiKey or apiKeyFile, not both' });
    const fields: Record<string, unknown> = cfg.fields && typeof cfg.fields === 'object' ? cfg.fields : {};
    attributeNameIssues(fields, 'fields', ctx);
    for (const fixed of ['status', 'externalId']) {
      if (fixed in fields) ctx.addIssue({ code: 'custom', path: ['fields', fixed], message: 'is derived from status, employmentHistoryStatus and terminationDate; it cannot be mapped' });
    }
  }, { when: () => true });

export type BamboohrSourceConfig = z.infer<typeof bamboohrSourceSchema>;
