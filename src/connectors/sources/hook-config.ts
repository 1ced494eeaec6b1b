// The `hook:` section of the polled sources that can be told about changes by their vendor (event
// hooks). A hook only says who changed; the person is then read again from the vendor's API.
import { z } from 'zod';

/** a secret given inline or as `<key>File`; the config loader reads the file into `<key>` */
function secretIssue(cfg: Record<string, unknown>, key: string, ctx: z.RefinementCtx): void {
  const file = `${key}File`;
  if (cfg[key] === undefined && cfg[file] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `is required (or ${file})` });
  if (cfg[key] !== undefined && cfg[file] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `set either ${key} or ${file}, not both` });
}

// Long enough that guessing is hopeless; the admin pastes the same value into the vendor's console.
const secret = z.string().min(16, 'must be at least 16 characters (a random value)').optional();
const secretFile = z.string().min(1).optional();

export const oktaHookSchema = z
  .object({
    /** the header Okta sends the secret in (Okta Admin > Workflow > Event Hooks > Authentication field) */
    header: z.string().regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name').default('Authorization'),
    secret,
    secretFile,
  })
  .strict()
  .superRefine((cfg, ctx) => secretIssue(cfg, 'secret', ctx));

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export const entraHookSchema = z
  .object({
    /** the https URL at which Graph reaches this source's `/hooks/<source>` (the notificationUrl) */
    publicUrl: z.url().refine((v) => new URL(v).protocol === 'https:' || LOCAL_HOSTS.has(new URL(v).hostname), {
      message: 'must be an https URL (Graph delivers notifications over https only)',
    }),
    /** sent back by Graph in every notification; at most 128 characters (Graph's limit) */
    clientState: z.string().min(16, 'must be at least 16 characters (a random value)').max(128, 'must be at most 128 characters (Graph refuses longer)').optional(),
    clientStateFile: secretFile,
  })
  .strict()
  .superRefine((cfg, ctx) => secretIssue(cfg, 'clientState', ctx));

export const bamboohrHookSchema = z
  .object({
    /** the webhook's private key, shown once by BambooHR when it is generated */
    privateKey: secret,
    privateKeyFile: secretFile,
  })
  .strict()
  .superRefine((cfg, ctx) => secretIssue(cfg, 'privateKey', ctx));

export type OktaHookConfig = z.infer<typeof oktaHookSchema>;
export type EntraHookConfig = z.infer<typeof entraHookSchema>;
export type BamboohrHookConfig = z.infer<typeof bamboohrHookSchema>;
