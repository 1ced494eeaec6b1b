// Certificate and key of a TLS listener, read from their files at start and again on SIGHUP (the
// config loader leaves certFile/keyFile as paths for that reason), or given inline as PEM.
import { readFile } from 'node:fs/promises';
import { createSecureContext, type SecureContext } from 'node:tls';

export interface TlsMaterial {
  cert: string;
  key: string;
}

export interface TlsSource {
  cert?: string;
  certFile?: string;
  key?: string;
  keyFile?: string;
}

/** The files win over inline PEM, so a renewed file is what a reload picks up; null when neither is set. */
export async function loadTlsMaterial(source: TlsSource | undefined): Promise<TlsMaterial | null> {
  if (!source) return null;
  const cert = source.certFile ? await readFile(source.certFile, 'utf8') : source.cert;
  const key = source.keyFile ? await readFile(source.keyFile, 'utf8') : source.key;
  if (!cert || !key) return null;
  return { cert, key };
}

/** Throws when the pair does not load, so a caller reloading keeps its old pair. */
export function secureContextOf(m: TlsMaterial): SecureContext {
  return createSecureContext({ cert: m.cert, key: m.key, minVersion: 'TLSv1.2' });
}
