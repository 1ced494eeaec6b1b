// Configuration of a BambooHR source: the company's API gateway URL, the API key of a user who may
// see the mapped fields, and which BambooHR field feeds each canonical attribute.
import { z } from 'zod';
import { baseSourceShape } from '../base-config';
import { timeZoneSchema } from '../workday/config';

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
    fields: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'is not an attribute name'), z.string().min(1).nullable()).default({}),
    /** the company's IANA time zone, when its hire and termination dates are not UTC days */
    timeZone: timeZoneSchema.optional(),
    /** every this many runs the read is full, to catch what the change list misses */
    fullEvery: z.number().int().min(1).default(24),
    timeoutMs: z.number().int().min(100).default(60_000),
    /** attempts for 5xx and transport errors before the read is declared incomplete */
    attempts: z.number().int().min(1).max(10).default(4),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    if (cfg.apiKey === undefined && cfg.apiKeyFile === undefined) ctx.addIssue({ code: 'custom', path: ['apiKey'], message: 'is required (or apiKeyFile)' });
    if (cfg.apiKey !== undefined && cfg.apiKeyFile !== undefined) ctx.addIssue({ code: 'custom', path: ['apiKey'], message: 'set either apiKey or apiKeyFile, not both' });
    for (const fixed of ['status', 'externalId']) {
      if (fixed in cfg.fields) ctx.addIssue({ code: 'custom', path: ['fields', fixed], message: 'is derived from status, employmentHistoryStatus and terminationDate; it cannot be mapped' });
    }
  });

export type BamboohrSourceConfig = z.infer<typeof bamboohrSourceSchema>;
