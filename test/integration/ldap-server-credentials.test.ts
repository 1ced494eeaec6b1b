// CredentialStore semantics, run against the memory reference and the SQLite backend (real file,
// two connections, as two idsync instances sharing one store file would have).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import type { CredentialStore } from '../../src/ports/credential-store';
import { mfaEnrollCommand, passwordSetCommand } from '../../src/cli/commands/credentials';
import { argon2Hasher } from '../../src/ldap/auth/passwords';
import { MemoryCredentialStore } from '../../src/storage/memory/credential-store';
import { SqliteCredentialStore } from '../../src/storage/sqlite/credential-store';

function capture(): Writable & { text: string } {
  const w = new Writable({ write(c, _e, cb) { w.text += String(c); cb(); } }) as Writable & { text: string };
  w.text = '';
  return w;
}

const dir = mkdtempSync(join(tmpdir(), 'idsync-cred-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const backends: [string, () => CredentialStore][] = [
  ['memory', () => new MemoryCredentialStore()],
  ['sqlite', () => new SqliteCredentialStore(join(dir, `creds-${Math.random().toString(36).slice(2)}.db`))],
];

describe.each(backends)('%s CredentialStore', (_name, make) => {
  let store: CredentialStore;
  beforeEach(() => (store = make()));
  afterEach(async () => store.close());

  it('stores and replaces password hashes, usernames case-insensitively', async () => {
    expect(await store.getPasswordHash('alice')).toBeNull();
    await store.setPasswordHash('alice', 'h1', '2026-01-01T00:00:00Z');
    await store.setPasswordHash('Alice', 'h2', '2026-01-02T00:00:00Z');
    expect(await store.getPasswordHash('ALICE')).toBe('h2');
  });

  it('accepts each TOTP time step once and never an older one', async () => {
    expect(await store.consumeTotpStep('bob', 5)).toBe(false); // not enrolled
    await store.setTotp('bob', { secret: 'ABC', lastTimeStep: 0, enrolledAt: '2026-01-01T00:00:00Z' });
    expect(await store.consumeTotpStep('bob', 100)).toBe(true);
    expect(await store.consumeTotpStep('bob', 100)).toBe(false);
    expect(await store.consumeTotpStep('bob', 99)).toBe(false);
    expect(await store.consumeTotpStep('bob', 101)).toBe(true);
    expect(await store.getTotp('bob')).toMatchObject({ secret: 'ABC', lastTimeStep: 101 });
  });

  it('password set reads stdin, hashes with argon2id and refuses bad input', async () => {
    const out = capture();
    const err = capture();
    expect(await passwordSetCommand({ credentials: store, username: 'carol', input: Readable.from(['correct horse battery\n']), output: out, errors: err })).toBe(0);
    const hash = (await store.getPasswordHash('carol'))!;
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await argon2Hasher.verify(hash, 'correct horse battery')).toBe(true);
    expect(await passwordSetCommand({ credentials: store, username: 'carol', input: Readable.from(['short\n']), output: out, errors: err })).toBe(2);
    expect(err.text).toContain('at least 8 characters');
    expect(await passwordSetCommand({ credentials: store, username: 'ghost', userExists: async () => false, input: Readable.from(['long enough pw\n']), output: out, errors: err })).toBe(1);
    expect(err.text).toContain('no identity with username "ghost"');
    expect(await passwordSetCommand({ credentials: store, username: 'bad,name', input: Readable.from(['long enough pw\n']), output: out, errors: err })).toBe(2);
  });

  it('mfa enroll stores a fresh secret and prints the otpauth URI', async () => {
    const out = capture();
    expect(await mfaEnrollCommand({ credentials: store, username: 'dave', output: out, errors: capture() })).toBe(0);
    const enrolment = (await store.getTotp('dave'))!;
    expect(out.text).toContain(`secret=${enrolment.secret}`);
    expect(enrolment.secret).toMatch(/^[A-Z2-7]{32}$/);
  });
});

it('two SQLite connections to one file cannot both accept the same TOTP step', async () => {
  const path = join(dir, 'shared.db');
  const a = new SqliteCredentialStore(path);
  const b = new SqliteCredentialStore(path);
  await a.setTotp('erin', { secret: 'ABC', lastTimeStep: 0, enrolledAt: '2026-01-01T00:00:00Z' });
  const results = await Promise.all([a.consumeTotpStep('erin', 7), b.consumeTotpStep('erin', 7)]);
  expect(results.filter(Boolean)).toHaveLength(1);
  expect(await b.getPasswordHash('erin')).toBeNull();
  await a.close();
  await b.close();
});
