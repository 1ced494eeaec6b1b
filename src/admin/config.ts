import { z } from 'zod';
import { parseListenAddress, type ListenAddress } from '../util/listen';

// admin:
//   listen: tcp://127.0.0.1:8470     # loopback only; or unix:/run/idsync/admin.sock
//   tokenFile: /etc/idsync/admin.token   # the loader turns it into `token`
//   console:                             # the helpdesk web console at / (needs an ldap: section)
//     roles: { helpdesk: [helpdesk], operator: [idsync-operators], reviewer: managers }
const groupList = z.array(z.string().min(1)).default([]);

export const consoleSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** membership of these idsync groups gives the role; reviewer `managers`: anyone who is someone's manager */
    roles: z
      .object({
        helpdesk: groupList,
        operator: groupList,
        reviewer: z.union([z.literal('managers'), z.array(z.string().min(1))]).default('managers'),
      })
      .strict(),
    /** TOTP for everyone signing in; people with a TOTP secret always need their code */
    requireMfa: z.boolean().default(false),
    idleTimeoutMinutes: z.number().int().min(1).max(24 * 60).default(15),
    maxLifetimeHours: z.number().int().min(1).max(7 * 24).default(12),
    /** failed sign-ins from one address, or for one person, before a cooling-off period */
    signInAttempts: z.number().int().min(1).max(100).default(5),
    signInWindowMinutes: z.number().int().min(1).max(24 * 60).default(15),
  })
  .strict();

export type ConsoleConfig = z.infer<typeof consoleSchema>;

export const adminSchema = z
  .object({
    listen: z
      .string()
      .default('tcp://127.0.0.1:8470')
      .refine((v) => parseListen(v) !== null, {
        message: 'use tcp://127.0.0.1:PORT, tcp://[::1]:PORT, tcp://localhost:PORT or unix:/path/to/socket (the admin API never listens off-host)',
      }),
    token: z.string().min(16, 'the admin token must be at least 16 characters'),
    console: consoleSchema.optional(),
  })
  .strict();

export type AdminConfig = z.infer<typeof adminSchema>;

export type { ListenAddress };

/** Loopback TCP or a unix socket: the admin API faces staff on this host only. */
export function parseListen(listen: string): ListenAddress | null {
  return parseListenAddress(listen, { loopbackOnly: true });
}
