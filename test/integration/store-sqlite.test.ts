import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { IdentityStore } from '../../src/ports/identity-store';
import { openStore } from '../../src/storage';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store';
import { verifyTrail } from '../conformance/cases/audit';
import { auditDraft } from '../conformance/fixtures';

let dir: string;
const opened: IdentityStore[] = [];
const track = <T extends IdentityStore>(s: T): T => (opened.push(s), s);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'idsync-store-sqlite-'));
});

afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('openStore', () => {
  it('resolves a relative sqlite path against baseDir, creates its directory and uses WAL', async () => {
    const store = track(await openStore({ kind: 'sqlite', path: './data/nested/idsync.db' }, { baseDir: dir }));
    expect(store.kind).toBe('sqlite');
    const file = join(dir, 'data/nested/idsync.db');
    expect(existsSync(file)).toBe(true);
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      const tables = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
      expect(tables).toEqual(expect.arrayContaining(['audit', 'changes', 'disputes', 'groups', 'identities', 'intents', 'meta', 'sequences', 'sourceRecords', 'syncRuns', 'targetAccounts']));
    } finally {
      raw.close();
    }
  });

  it('opens the in-memory store', async () => {
    expect(track(await openStore({ kind: 'memory' })).kind).toBe('memory');
  });

  it('names the setting when the sqlite file cannot be opened', async () => {
    writeFileSync(join(dir, 'not-a-directory'), 'x');
    await expect(openStore({ kind: 'sqlite', path: 'not-a-directory/idsync.db' }, { baseDir: dir })).rejects.toThrow(
      /cannot open the SQLite store at .*not-a-directory\/idsync\.db \(store\.path\)/,
    );
  });

  it('names the setting when MongoDB cannot be reached', async () => {
    const uri = 'mongodb://127.0.0.1:1/idsync?serverSelectionTimeoutMS=300&directConnection=true';
    await expect(openStore({ kind: 'mongodb', uri })).rejects.toThrow(/cannot open the MongoDB store \(store\.uri\)/);
  });

  it('refuses a database written by a newer schema instead of guessing', async () => {
    const file = join(dir, 'newer.db');
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => new SqliteStore(file)).toThrow(/written by a newer idsync \(schema 99/);
  });
});

describe('audit tamper evidence in the SQLite file', () => {
  async function fileWithTrail(): Promise<string> {
    const file = join(dir, 'idsync.db');
    const store = new SqliteStore(file);
    for (let k = 1; k <= 5; k++) await store.commit({ audit: [auditDraft(`id-${k}`, 'identity.create')] });
    await store.close();
    return file;
  }

  async function faultAfter(file: string, tamper: string): Promise<unknown> {
    const raw = new Database(file);
    raw.exec(tamper);
    raw.close();
    const store = track(new SqliteStore(file));
    return (await verifyTrail(store)).fault;
  }

  it('verifies the untouched file', async () => {
    const store = track(new SqliteStore(await fileWithTrail()));
    expect(await verifyTrail(store)).toEqual({ count: 5, fault: null });
  });

  it('shows an edited record as a hash mismatch', async () => {
    const file = await fileWithTrail();
    expect(await faultAfter(file, `UPDATE audit SET after = '{"counter":"9"}' WHERE seq = 3`)).toEqual({ kind: 'hash-mismatch', seq: 3 });
  });

  it('shows a removed record as a gap', async () => {
    const file = await fileWithTrail();
    expect(await faultAfter(file, 'DELETE FROM audit WHERE seq = 2')).toEqual({ kind: 'gap', seq: 3, expected: 2 });
  });

  it('shows two swapped records as a broken link', async () => {
    const file = await fileWithTrail();
    const swap = `UPDATE audit SET seq = -2 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = -2;`;
    expect(await faultAfter(file, swap)).toEqual({ kind: 'broken-link', seq: 2 });
  });

  it('detects a cut tail through the head marker in meta', async () => {
    const file = await fileWithTrail();
    expect(await faultAfter(file, 'DELETE FROM audit WHERE seq >= 4')).toEqual({ kind: 'truncated', seq: 4, expected: 5 });
  });
});

describe('several processes writing one file', () => {
  const runWriter = (file: string, name: string, commits: number) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [join(__dirname, '../conformance/support/sqlite-writer-child.js'), file, name, String(commits)], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${name} exited ${code}: ${stderr}`))));
    });

  it('coordinates through SQLite locking: no lost commit, no reused uid, one intact audit chain', async () => {
    const file = join(dir, 'shared.db');
    track(new SqliteStore(file)); // creates the schema before the writers race
    await Promise.all(['a', 'b', 'c'].map((name) => runWriter(file, name, 40)));
    const store = track(new SqliteStore(file));
    const identities = await store.listIdentities();
    expect(identities).toHaveLength(120);
    expect(new Set(identities.map((i) => i.uidNumber)).size).toBe(120);
    expect(Math.max(...identities.map((i) => i.uidNumber))).toBe(10_119);
    expect(await store.listSourceRecords('hr')).toHaveLength(120);
    expect(await verifyTrail(store)).toEqual({ count: 120, fault: null });
    expect((await store.changesSince(0, 500)).map((e) => e.seq)).toEqual(Array.from({ length: 120 }, (_, k) => k + 1));
    expect(new Set((await store.readAudit(1, 500)).map((r) => r.actor.id))).toEqual(new Set(['a', 'b', 'c']));
  }, 60_000);
});
