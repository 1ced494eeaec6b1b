// `idsync password set` and `idsync mfa enroll`: people's LDAP bind secrets, kept in the credential
// store beside the configured identity store (SQLite file, MongoDB database, or memory).
import type { Command } from 'commander';
import type { Identity } from '../../domain/types';
import { systemClock, type Clock } from '../../ports/clock';
import type { CredentialStore } from '../../ports/credential-store';
import { argon2Hasher, type PasswordHasher } from '../../ldap/auth/passwords';
import { newTotpSecret, totpUri } from '../../ldap/auth/totp';
import { openCredentialStore } from '../../storage/credentials';
import { withContext } from '../context';
import { CliFailure, UsageError } from '../errors';
import { exitCodeOfRun } from '../exit';
import type { Output } from '../output';

export interface SecretCommandOptions {
  credentials: CredentialStore;
  username: string;
  clock?: Clock;
  /** the person, or null when nobody has this username; omitted = accept any username */
  findPerson?: (username: string) => Promise<Pick<Identity, 'state' | 'entitlements'> | null>;
  /** where a one-sentence warning goes (the command still succeeds) */
  warn?: (sentence: string) => void;
}

export interface PasswordSetInput extends SecretCommandOptions {
  /** the password is the first line read from here */
  input: NodeJS.ReadableStream;
  hasher?: PasswordHasher;
}

async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

async function person(opts: SecretCommandOptions, command: string) {
  if (!opts.findPerson) return null;
  const found = await opts.findPerson(opts.username);
  if (!found) throw new CliFailure(`${command}: no identity with username "${opts.username}"`);
  return found;
}

/** Stores the argon2id hash of the password read from `input`; returns the line to print. */
export async function setPassword(opts: PasswordSetInput): Promise<string> {
  if (!/^[A-Za-z0-9._-]+$/.test(opts.username)) throw new UsageError(`password set: invalid username "${opts.username}"`);
  const found = await person(opts, 'password set');
  const password = (await readAll(opts.input)).split(/\r?\n/)[0] ?? '';
  if (password.length < 8) throw new UsageError('password set: the password read from stdin must have at least 8 characters');
  const hashed = await (opts.hasher ?? argon2Hasher).hash(password);
  await opts.credentials.setPasswordHash(opts.username, hashed, (opts.clock ?? systemClock).now().toISOString());
  if (found?.state === 'terminated') {
    opts.warn?.(`warning: ${opts.username} is terminated; the password is stored but cannot be used to bind until they are rehired.`);
  }
  return `password set for ${opts.username}`;
}

export interface MfaEnrollInput extends SecretCommandOptions {
  issuer?: string;
  /** ldap.mfa.groups: people outside them are not asked for a code */
  mfaGroups?: string[];
}

/** Creates a TOTP secret; returns the otpauth URI and the secret to print. */
export async function enrollMfa(opts: MfaEnrollInput): Promise<string> {
  const found = await person(opts, 'mfa enroll');
  const secret = newTotpSecret();
  const at = (opts.clock ?? systemClock).now().toISOString();
  await opts.credentials.setTotp(opts.username, { secret, lastTimeStep: 0, enrolledAt: at });
  const groups = opts.mfaGroups;
  if (found && groups) {
    const inGroup = found.entitlements.some((e) => e.kind === 'group' && groups.includes(e.name));
    if (!inGroup) {
      const which = groups.length ? `any of ldap.mfa.groups (${groups.join(', ')})` : 'ldap.mfa.groups, which is empty';
      opts.warn?.(`warning: ${opts.username} is not in ${which}, so their binds do not ask for a code until they are.`);
    }
  }
  return `${totpUri(secret, opts.username, opts.issuer ?? 'idsync')}\nsecret: ${secret}`;
}

interface CommandStreams {
  output?: NodeJS.WritableStream;
  errors?: NodeJS.WritableStream;
}

type LegacyLookup = { userExists?: (username: string) => Promise<boolean> };

function streamsOutput(s: CommandStreams): Output {
  const write = (w: NodeJS.WritableStream, t: string) => w.write(t.endsWith('\n') ? t : `${t}\n`);
  return { out: (t) => write(s.output ?? process.stdout, t), err: (t) => write(s.errors ?? process.stderr, t) };
}

function lookupOf(opts: LegacyLookup & { findPerson?: SecretCommandOptions['findPerson'] }): SecretCommandOptions['findPerson'] {
  if (opts.findPerson || !opts.userExists) return opts.findPerson;
  const exists = opts.userExists;
  return async (u) => ((await exists(u)) ? { state: 'active', entitlements: [] } : null);
}

/** In-process form of `password set` (tests, drills): the same body, answering with the exit code. */
export function passwordSetCommand(opts: Omit<PasswordSetInput, 'input'> & { input?: NodeJS.ReadableStream } & CommandStreams & LegacyLookup): Promise<number> {
  const o = streamsOutput(opts);
  return exitCodeOfRun(async () => o.out(await setPassword({ ...opts, input: opts.input ?? process.stdin, findPerson: lookupOf(opts), warn: opts.warn ?? o.err })), o);
}

/** In-process form of `mfa enroll`. */
export function mfaEnrollCommand(opts: MfaEnrollInput & CommandStreams & LegacyLookup): Promise<number> {
  const o = streamsOutput(opts);
  return exitCodeOfRun(async () => o.out(await enrollMfa({ ...opts, findPerson: lookupOf(opts), warn: opts.warn ?? o.err })), o);
}

async function withCredentials(config: string, o: Output, fn: (credentials: CredentialStore, base: Pick<SecretCommandOptions, 'findPerson' | 'warn'>, mfaGroups: string[]) => Promise<string>): Promise<void> {
  await withContext(config, async ({ loaded, store }) => {
    if (!loaded.config.ldap) throw new CliFailure(`${config} has no ldap section, so there is nothing to bind to.`);
    const credentials = await openCredentialStore(loaded.config, loaded.baseDir);
    try {
      const findPerson = (u: string) => store.getIdentity({ by: 'username', value: u });
      o.out(await fn(credentials, { findPerson, warn: (s) => o.err(s) }, loaded.config.ldap.mfa.groups));
    } finally {
      await credentials.close();
    }
  });
}

export function registerCredentialCommands(program: Command, o: Output): void {
  program
    .command('password')
    .description('LDAP bind passwords of people (local bind mode)')
    .command('set')
    .description('set a person\'s LDAP bind password, read from stdin (stored as an argon2id hash)')
    .requiredOption('--config <file>', 'configuration file')
    .requiredOption('--user <username>', 'username')
    .action(async (opts: { config: string; user: string }) =>
      withCredentials(opts.config, o, (credentials, base) => setPassword({ ...base, credentials, username: opts.user, input: process.stdin })),
    );
  program
    .command('mfa')
    .description('one-time codes appended to LDAP bind passwords')
    .command('enroll')
    .description('create a TOTP secret for a person and print its otpauth:// URI')
    .requiredOption('--config <file>', 'configuration file')
    .requiredOption('--user <username>', 'username')
    .action(async (opts: { config: string; user: string }) =>
      withCredentials(opts.config, o, (credentials, base, mfaGroups) => enrollMfa({ ...base, credentials, username: opts.user, mfaGroups })),
    );
}
