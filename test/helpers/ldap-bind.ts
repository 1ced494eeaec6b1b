import { Readable, Writable } from 'node:stream';
import { Client } from 'ldapts';
import { networkInterfaces } from 'node:os';
import { passwordSetCommand } from '../../src/cli/commands/credentials';
import type { CredentialStore } from '../../src/ports/credential-store';

/** Result code of one simple bind on a fresh connection (0 on success). */
export async function bindCode(url: string, dn: string, pw: string): Promise<number> {
  const c = new Client({ url, timeout: 10_000 });
  try {
    await c.bind(dn, pw);
    return 0;
  } catch (err) {
    const code = (err as { code?: number }).code;
    if (typeof code !== 'number') throw err;
    return code;
  } finally {
    await c.unbind().catch(() => undefined);
  }
}

/** Sets a person's local password through the `password set` command. */
export async function setPassword(credentials: CredentialStore, username: string, pw: string): Promise<void> {
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const code = await passwordSetCommand({ credentials, username, input: Readable.from([`${pw}\n`]), output: sink, errors: sink });
  if (code !== 0) throw new Error(`password set for ${username} exited ${code}`);
}

/** A non-loopback IPv4 address of this host: connecting to it makes the client come from another address than 127.0.0.1. */
export function lanAddress(): string {
  const found = Object.values(networkInterfaces())
    .flat()
    .find((a) => a?.family === 'IPv4' && !a.internal)?.address;
  if (!found) throw new Error('this host has no non-loopback IPv4 address to test from');
  return found;
}
