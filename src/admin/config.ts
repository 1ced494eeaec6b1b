import { z } from 'zod';

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

export type ListenAddress = { kind: 'tcp'; host: string; port: number } | { kind: 'unix'; path: string };

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function parseListen(listen: string): ListenAddress | null {
  if (listen.startsWith('unix:')) {
    const path = listen.slice('unix:'.length);
    return path.startsWith('/') ? { kind: 'unix', path } : null;
  }
  const m = /^tcp:\/\/(\[[^\]]+\]|[^:/]+):(\d{1,5})$/.exec(listen);
  if (!m) return null;
  const host = m[1].replace(/^\[|\]$/g, '');
  const port = Number(m[2]);
  return LOOPBACK.has(host) && port < 65536 ? { kind: 'tcp', host, port } : null;
}
