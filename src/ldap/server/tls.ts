import { readFile } from 'node:fs/promises';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { LdapConfig } from '../../config/sections/ldap';

export interface TlsMaterial {
  cert: string;
  key: string;
}

/**
 * Reads certificate and key: from the *File paths when given (so SIGHUP picks up renewed files),
 * else from the inline PEM the config loader put in `cert`/`key`.
 */
export async function loadTlsMaterial(config: LdapConfig): Promise<TlsMaterial | null> {
  const t = config.tls;
  if (!t) return null;
  const cert = t.certFile ? await readFile(t.certFile, 'utf8') : t.cert;
  const key = t.keyFile ? await readFile(t.keyFile, 'utf8') : t.key;
  if (!cert || !key) return null;
  return { cert, key };
}

export function secureContextOf(m: TlsMaterial): SecureContext {
  return createSecureContext({ cert: m.cert, key: m.key, minVersion: 'TLSv1.2' });
}
