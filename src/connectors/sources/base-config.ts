// The keys every source has, whatever its kind. Each kind's schema spreads `baseSourceShape` into
// its own strict object, so these keys mean the same everywhere and are validated in one place.
import { z } from 'zod';
import cron from 'node-cron';
import { safetySchema } from '../../config/sections/core';
import { JOIN_SHORTHAND_NAMES, type JoinRuleSpec } from '../../domain/join-rules';

/** A node-cron expression; checked here so a bad one fails `config check`, not the daemon at start. */
export function cronExpression() {
  return z.string().refine((v) => cron.validate(v), { error: (iss) => `"${String(iss.input)}" is not a valid cron expression (e.g. "*/5 * * * *": minute hour day month weekday)` });
}

/** A JavaScript regular expression, checked here so `config check` names the one that does not compile. */
export function regexPattern() {
  return z.string().min(1).refine((pattern) => compiles(pattern), { message: 'is not a valid regular expression' });
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/**
 * The `groups` keys every source that brings groups has. The connector reports group names as the
 * vendor shows them; the prefix is put before them once, where groups are stored.
 */
export const sourceGroupsFields = {
  /** only groups whose name matches one of these (every group when empty) */
  include: z.array(regexPattern()).default([]),
  /** put before every group name, to keep them apart from other sources' and role groups */
  prefix: z.string().default(''),
};

const JOIN_RULE_FORMS = `${JOIN_SHORTHAND_NAMES.join(', ')}, or { attribute: <name>, caseInsensitive: true }`;

const joinShorthandSchema = z.enum(JOIN_SHORTHAND_NAMES, {
  error: (iss) => `unknown join rule "${String(iss.input)}"; use ${JOIN_RULE_FORMS}`,
});

const joinAttributeRuleSchema = z
  .object({
    /** whether it names an attribute this source has is checked with the whole section (join-attributes.ts) */
    attribute: z.string({ error: (iss) => (iss.input === undefined ? 'is required (the attribute to compare)' : 'must be an attribute name') }).min(1, 'must be an attribute name'),
    caseInsensitive: z.boolean({ error: 'must be true or false' }).optional(),
  })
  .strict();

/**
 * One join rule: a shorthand or `{ attribute, caseInsensitive }`. Dispatched on the input's type
 * rather than a zod union so an error names the one form the user wrote, not both.
 */
export const joinRuleSchema: z.ZodType<JoinRuleSpec, unknown> = z.unknown().transform((value, ctx) => {
  const isObject = !!value && typeof value === 'object' && !Array.isArray(value);
  if (typeof value !== 'string' && !isObject) {
    ctx.addIssue({ code: 'custom', message: `must be a join rule: ${JOIN_RULE_FORMS}` });
    return z.NEVER;
  }
  const parsed = typeof value === 'string' ? joinShorthandSchema.safeParse(value) : joinAttributeRuleSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const message = issue.code === 'unrecognized_keys' ? `unknown key(s): ${issue.keys.join(', ')} (a join rule has attribute and caseInsensitive)` : issue.message;
    ctx.addIssue({ code: 'custom', path: issue.path, message });
  }
  return z.NEVER;
});
export type { JoinRuleSpec };

export const sourceNameSchema = z.string().regex(/^[a-z][a-z0-9_-]*$/i, 'use letters, digits, "-" and "_", starting with a letter');

export const baseSourceShape = {
  name: sourceNameSchema,
  schedule: cronExpression().default('*/5 * * * *'),
  /** whether a person missing from a complete export is a leaver */
  authoritative: z.boolean().default(true),
  /** ordered join rules: the first rule with exactly one candidate joins */
  join: z.array(joinRuleSchema).min(1).default(['employeeId', 'mail'] as JoinRuleSpec[]),
  /** attribute precedence: lower wins when two sources give the same attribute */
  precedence: z.number().int().default(100),
  /** per-attribute precedence override: { title: 10 } */
  attributePrecedence: z.record(z.string(), z.number().int()).default({}),
  safety: safetySchema.prefault({}),
};

export type BaseSourceConfig = z.infer<z.ZodObject<typeof baseSourceShape>>;
