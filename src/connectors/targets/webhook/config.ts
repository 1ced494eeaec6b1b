import { z } from 'zod';
import { evenWithOtherProblems } from '../config-helpers';

export const webhookTargetSchema = z
  .object({
    name: z.string().min(1),
    kind: z.literal('webhook'),
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    /** HMAC-SHA256 key; the config loader turns `secretFile` into `secret` */
    secret: z.string().min(16, 'must be at least 16 characters').optional(),
    secretFile: z.string().min(1).optional(),
    timeoutMs: z.number().int().positive().default(10000),
    /** JSON file remembering what was last sent, so lookup/list survive a restart; in memory when absent */
    ledgerPath: z.string().min(1).optional(),
    /** extra static headers, e.g. an API key the receiver wants */
    headers: z.record(z.string(), z.string()).default({}),
  })
  .passthrough()
  .refine((c) => c.secret !== undefined, { message: 'secret (or secretFile) is required', path: ['secret'], ...evenWithOtherProblems });

export type WebhookTargetConfig = z.infer<typeof webhookTargetSchema>;
