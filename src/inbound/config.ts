import { z } from 'zod';
import { parseListenAddress } from '../util/listen';

// inbound:
//   listen: tcp://0.0.0.0:8443            # or unix:/run/idsync/in.sock behind a TLS proxy
//   tls: { certFile: /etc/idsync/in.crt, keyFile: /etc/idsync/in.key }   # re-read on SIGHUP
//   limits: { maxBodyBytes: 1048576, requestsPerSecond: 20, burst: 100 }  # per source

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

const tlsSchema = z
  .object({
    certFile: z.string().min(1),
    keyFile: z.string().min(1),
  })
  .strict();

const limitsSchema = z
  .object({
    /** request bodies above this are refused with 413 before they are parsed */
    maxBodyBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
    /** sustained requests per second per source; Entra's provisioning service stays well under 10 */
    requestsPerSecond: z.number().positive().default(20),
    /** requests a source may send at once above the sustained rate (a sync cycle starting) */
    burst: z.number().int().positive().default(100),
  })
  .strict();

export const inboundSchema = z
  .object({
    listen: z.string().refine((v) => parseListenAddress(v) !== null, {
      message: 'use tcp://HOST:PORT (e.g. tcp://0.0.0.0:8443, tcp://[::]:8443) or unix:/path/to/socket',
    }),
    tls: tlsSchema.optional(),
    limits: limitsSchema.prefault({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const addr = parseListenAddress(cfg.listen);
    if (!addr) return;
    if (addr.kind === 'unix' && cfg.tls) {
      ctx.addIssue({ code: 'custom', path: ['tls'], message: 'a unix socket listener takes no tls (the proxy in front of it terminates TLS)' });
    }
    // Vendors send bearer tokens: off this host they must travel over TLS.
    if (addr.kind === 'tcp' && !LOOPBACK.has(addr.host) && !cfg.tls) {
      ctx.addIssue({ code: 'custom', path: ['tls'], message: `listening on ${addr.host} needs tls.certFile and tls.keyFile (or listen on 127.0.0.1 / a unix socket behind a TLS proxy)` });
    }
  });

export type InboundConfig = z.infer<typeof inboundSchema>;
