// Configuration of a Workday source: one Report-as-a-Service (RaaS) report read whole each run,
// authenticated as an Integration System User (basic) or with a bearer token, its column names
// mapped to canonical attributes, and the tenant's time zone its dates are days of.
import { z } from 'zod';
import { isTimeZone } from '../../../domain/zoned-day';
import { baseSourceShape } from '../base-config';

export const timeZoneSchema = z.string().refine((v) => isTimeZone(v), { error: (iss) => `"${String(iss.input)}" is not an IANA time zone (e.g. "Europe/Berlin", "Australia/Sydney", "UTC")` });

const reportUrl = z.url({ protocol: /^https?$/, error: 'must be the http(s) URL of the RaaS report (…/ccx/service/customreport2/<tenant>/<owner>/<report>)' }).refine(
  (v) => { const f = new URL(v).searchParams.get('format'); return f === null || f.toLowerCase() === 'json'; },
  { error: 'asks for another format: idsync reads the report as ?format=json (leave format out or set it to json)' },
);

export const workdaySourceSchema = z
  .object({
    ...baseSourceShape,
    kind: z.literal('workday'),
    url: reportUrl,
    /** the Integration System User, for basic auth; the config loader turns passwordFile into password */
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    passwordFile: z.string().min(1).optional(),
    /** a bearer token (OAuth API client), instead of username and password; tokenFile becomes token */
    token: z.string().min(1).optional(),
    tokenFile: z.string().min(1).optional(),
    /** canonical attribute -> the report's column name (its XML alias); null drops a default */
    columns: z.record(z.string(), z.string().min(1).nullable()).default({}),
    /** the tenant's IANA time zone: hire and termination dates are days of this calendar */
    timeZone: z.string({ error: 'is required: the tenant\'s IANA time zone, e.g. "America/Los_Angeles"' }).pipe(timeZoneSchema),
    timeoutMs: z.number().int().min(100).default(120_000),
    /** attempts for 5xx and transport errors before the read is declared incomplete */
    attempts: z.number().int().min(1).max(10).default(4),
  })
  .strict()
  // `when`: run even when other fields failed, so one `config check` names every problem. The
  // loader has read each `<key>File` into `<key>` (and refused both together), so only the values
  // count: a file key it did not resolve leaves its secret missing.
  .superRefine((cfg, ctx) => {
    const basic = cfg.username !== undefined || cfg.password !== undefined || cfg.passwordFile !== undefined;
    const bearer = cfg.token !== undefined || cfg.tokenFile !== undefined;
    if (basic && bearer) ctx.addIssue({ code: 'custom', path: ['token'], message: 'set either username with password/passwordFile or token/tokenFile, not both' });
    else if (!basic && !bearer) ctx.addIssue({ code: 'custom', path: ['username'], message: 'is required (with password or passwordFile), unless token or tokenFile is set' });
    else if (basic) {
      if (cfg.username === undefined) ctx.addIssue({ code: 'custom', path: ['username'], message: 'is required with password/passwordFile' });
      if (cfg.password === undefined) ctx.addIssue({ code: 'custom', path: ['password'], message: 'set either password or passwordFile (one of them)' });
    } else if (cfg.token === undefined) ctx.addIssue({ code: 'custom', path: ['token'], message: 'token (or tokenFile) is required' });
    const columns: Record<string, unknown> = cfg.columns && typeof cfg.columns === 'object' ? cfg.columns : {};
    attributeNameIssues(columns, 'columns', ctx);
    if (columns.employeeId === null) ctx.addIssue({ code: 'custom', path: ['columns', 'employeeId'], message: 'cannot be null: the employee id is what identifies a worker' });
  }, { when: () => true });

const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Mapping keys are canonical attribute names; a typo with a space or dash is named by its path. */
export function attributeNameIssues(mapping: Record<string, unknown>, key: string, ctx: z.RefinementCtx): void {
  for (const name of Object.keys(mapping)) {
    if (!ATTRIBUTE_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [key, name], message: 'is not an attribute name (letters, digits and "_", starting with a letter)' });
  }
}

export type WorkdaySourceConfig = z.infer<typeof workdaySourceSchema>;
