import type { Writable } from 'node:stream';
import type { Config } from '../../config/schema';
import { systemClock, type Clock } from '../../ports/clock';
import type { CredentialStore } from '../../ports/credential-store';
import { MemoryCredentialStore } from '../../storage/memory/credential-store';
import { SqliteCredentialStore } from '../../storage/sqlite/credential-store';
import { argon2Hasher, type PasswordHasher } from './passwords';
import { newTotpSecret, totpUri } from './totp';

/** SQLite file of the store (or ldap.credentialsPath); in-memory only for a memory store. */
export function openCredentialStore(config: Config): CredentialStore {
  const path = config.ldap?.credentialsPath ?? (config.store.kind === 'sqlite' ? config.store.path : null);
  return path ? new SqliteCredentialStore(path) : new MemoryCredentialStore();
}

export interface CommandIO {
  input?: NodeJS.ReadableStream;
  output?: Writable;
  errors?: Writable;
}

export interface PasswordSetOptions extends CommandIO {
  credentials: CredentialStore;
  username: string;
  hasher?: PasswordHasher;
  clock?: Clock;
  /** reject unknown usernames (the CLI passes a store lookup); omitted = accept any */
  userExists?: (username: string) => Promise<boolean>;
}

async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/** `idsync password set --user U`: reads the password from stdin (first line), stores its argon2id hash. Exit code. */
export async function passwordSetCommand(opts: PasswordSetOptions): Promise<number> {
  const err = opts.errors ?? process.stderr;
  const out = opts.output ?? process.stdout;
  if (!/^[A-Za-z0-9._-]+$/.test(opts.username)) {
    err.write(`password set: invalid username "${opts.username}"\n`);
    return 2;
  }
  if (opts.userExists && !(await opts.userExists(opts.username))) {
    err.write(`password set: no identity with username "${opts.username}"\n`);
    return 1;
  }
  const password = (await readAll(opts.input ?? process.stdin)).split(/\r?\n/)[0] ?? '';
  if (password.length < 8) {
    err.write('password set: the password read from stdin must have at least 8 characters\n');
    return 2;
  }
  const hashed = await (opts.hasher ?? argon2Hasher).hash(password);
  await opts.credentials.setPasswordHash(opts.username, hashed, (opts.clock ?? systemClock).now().toISOString());
  out.write(`password set for ${opts.username}\n`);
  return 0;
}

export interface MfaEnrollOptions extends CommandIO {
  credentials: CredentialStore;
  username: string;
  issuer?: string;
  clock?: Clock;
  userExists?: (username: string) => Promise<boolean>;
}

/** `idsync mfa enroll --user U`: creates a TOTP secret, prints the otpauth URI and the secret. Exit code. */
export async function mfaEnrollCommand(opts: MfaEnrollOptions): Promise<number> {
  const err = opts.errors ?? process.stderr;
  const out = opts.output ?? process.stdout;
  if (opts.userExists && !(await opts.userExists(opts.username))) {
    err.write(`mfa enroll: no identity with username "${opts.username}"\n`);
    return 1;
  }
  const secret = newTotpSecret();
  const at = (opts.clock ?? systemClock).now().toISOString();
  await opts.credentials.setTotp(opts.username, { secret, lastTimeStep: 0, enrolledAt: at });
  out.write(`${totpUri(secret, opts.username, opts.issuer ?? 'idsync')}\nsecret: ${secret}\n`);
  return 0;
}
