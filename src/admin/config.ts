import { z } from 'zod';
import { parseListenAddress, type ListenAddress } from '../util/listen';

// admin:
//   listen: tcp://127.0.0.1:8470     # loopback only; or unix:/run/idsync/admin.sock
//   tokenFile: /etc/idsync/admin.token   # the loader turns it into `token`
export const adminSchema = z
  .object({
    listen: z
      .string()
      .default('tcp://127.0.0.1:8470')
      .refine((v) => parseListen(v) !== null, {
        message: 'use tcp://127.0.0.1:PORT, tcp://[::1]:PORT, tcp://localhost:PORT or unix:/path/to/socket (the admin API never listens off-host)',
      }),
    token: z.string().min(16, 'the admin token must be at least 16 characters'),
  })
  .strict();

export type AdminConfig = z.infer<typeof adminSchema>;

export type { ListenAddress };

/** Loopback TCP or a unix socket: the admin API faces staff on this host only. */
export function parseListen(listen: string): ListenAddress | null {
  return parseListenAddress(listen, { loopbackOnly: true });
}
