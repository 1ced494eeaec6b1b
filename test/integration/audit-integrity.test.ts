// Tampering with the SQLite file directly, as someone with write access to it would: every case is
// named by `audit verify` (exit 1, first bad record), a missing head marker blocks commits with the
// repair named instead of a UNIQUE error, and `audit repair-head` is the documented way back.
import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditHash } from '../../src/domain/audit-chain';
import { auditFromRow, type AuditRow } from '../../src/storage/sqlite/rows';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store';
import { auditDraft } from '../conformance/fixtures';
import { idsync, workspace, type Person, type Workspace } from '../helpers/cli';

const people: Person[] = Array.from({ length: 12 }, (_, i) => ({ id: `E${i + 1}`, first: `First${i + 1}`, last: `Last${i + 1}` }));

async function synced(ws: Workspace = workspace()): Promise<Workspace> {
  ws.writeCsv(people);
  expect((await idsync('sync', '--config', ws.config, '--once')).code).toBe(0);
  return ws;
}

function withDb<T>(ws: Workspace, fn: (db: Database.Database) => T): T {
  const db = new Database(join(ws.dir, 'idsync.db'));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const lastSeq = (ws: Workspace): number => withDb(ws, (db) => (db.prepare('SELECT max(seq) AS m FROM audit').get() as { m: number }).m);
const verify = (ws: Workspace) => idsync('audit', 'verify', '--config', ws.config);

describe('audit verify on a tampered SQLite file', () => {
  it('names a record whose subjectId column was changed (audit show would lose it)', async () => {
    const ws = await synced();
    withDb(ws, (db) => db.prepare("UPDATE audit SET subjectId = 'someone-else' WHERE seq = 4").run());
    const r = await verify(ws);
    expect(r).toMatchObject({ code: 1, stderr: 'idsync: audit chain broken: audit record 4 was changed: its hash does not match its content.\n' });
  });

  it('names a deleted head marker, refuses commits with the repair named, and repair-head restores them (audited)', async () => {
    const ws = await synced();
    const last = lastSeq(ws);
    withDb(ws, (db) => db.prepare("DELETE FROM meta WHERE key = 'auditHead'").run());
    const r = await verify(ws);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the audit head marker is missing while the trail holds records 1 to ${last}`);
    expect(r.stderr).toContain('idsync audit repair-head');

    ws.writeCsv(people.slice(0, 11).concat([{ ...people[11], title: 'Boss' }]));
    const blocked = await idsync('sync', '--config', ws.config, '--once');
    expect(blocked.code).not.toBe(0);
    expect(blocked.stdout + blocked.stderr).not.toContain('UNIQUE constraint failed');
    expect(blocked.stdout + blocked.stderr).toContain('audit head marker is missing');

    const repaired = await idsync('audit', 'repair-head', '--config', ws.config);
    expect(repaired).toMatchObject({ code: 0 });
    expect(repaired.stdout).toContain(`re-derived from record ${last} (was missing)`);
    expect(await verify(ws)).toMatchObject({ code: 0 });
    const record = withDb(ws, (db) => db.prepare('SELECT action, before FROM audit WHERE seq = ?').get(last + 1)) as { action: string; before: string };
    expect(record).toEqual({ action: 'audit.head-repaired', before: 'null' });
    expect((await idsync('sync', '--config', ws.config, '--once')).code).toBe(0);
    expect(await verify(ws)).toMatchObject({ code: 0 });
  });

  it('a head marker reset behind the last record is named by verify and by the commit', async () => {
    const ws = await synced();
    const last = lastSeq(ws);
    withDb(ws, (db) => db.prepare("UPDATE meta SET value = json_object('seq', 3, 'hash', (SELECT hash FROM audit WHERE seq = 3)) WHERE key = 'auditHead'").run());
    expect((await verify(ws)).stderr).toContain(`the audit head marker stops at seq 3 while the trail holds records up to ${last}: record 4`);
    const store = new SqliteStore(join(ws.dir, 'idsync.db'));
    try {
      await expect(store.commit({ audit: [auditDraft('x')] })).rejects.toThrow(`audit head marker says seq 3 but the last audit record is seq ${last}`);
    } finally {
      await store.close();
    }
  });

  it('names a cut tail taken together with the head marker, from the exported file', async () => {
    const ws = await synced();
    const last = lastSeq(ws);
    withDb(ws, (db) => {
      db.prepare('DELETE FROM audit WHERE seq > 6').run();
      db.prepare("UPDATE meta SET value = json_object('seq', 6, 'hash', (SELECT hash FROM audit WHERE seq = 6)) WHERE key = 'auditHead'").run();
    });
    const r = await verify(ws);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`audit trail was cut: records 7 to ${last} are missing, audit file ${join(ws.dir, 'audit.jsonl')} holds up to ${last}`);
    // repair-head will not hide a loss unless it is accepted
    expect((await idsync('audit', 'repair-head', '--config', ws.config)).stderr).toContain('--accept-cut');
  });

  it('names an emptied trail (records and head marker deleted) instead of "intact: 0 record(s)"', async () => {
    const ws = await synced();
    const last = lastSeq(ws);
    withDb(ws, (db) => db.exec("DELETE FROM audit; DELETE FROM meta WHERE key = 'auditHead';"));
    const r = await verify(ws);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`records 1 to ${last} are missing`);
  });

  it('names the last record rewritten with a valid hash and head marker, from its exported copy', async () => {
    const ws = await synced();
    const last = lastSeq(ws);
    // the chain alone cannot show this: the record, its hash and the head marker all agree
    withDb(ws, (db) => {
      const row = db.prepare('SELECT * FROM audit WHERE seq = ?').get(last) as AuditRow;
      const forged = { ...auditFromRow(row), after: { title: 'CEO' } };
      const hash = auditHash(forged);
      db.prepare('UPDATE audit SET after = ?, hash = ? WHERE seq = ?').run(JSON.stringify(forged.after), hash, last);
      db.prepare("UPDATE meta SET value = ? WHERE key = 'auditHead'").run(JSON.stringify({ seq: last, hash }));
    });
    const r = await verify(ws);
    expect(r).toMatchObject({
      code: 1,
      stderr: `idsync: audit chain broken: audit record ${last} differs from the copy in audit file ${join(ws.dir, 'audit.jsonl')}: it was changed after it was exported.\n`,
    });
  });
});

describe('signed checkpoints', () => {
  function checkpointWorkspace(every: number): Workspace {
    const ws = workspace();
    writeFileSync(join(ws.dir, 'audit.key'), 'k'.repeat(32) + '\n');
    const yaml = readFileSync(ws.config, 'utf8').replace(
      /^audit: .*$/m,
      `audit: { sinks: [], checkpoint: { keyFile: ${join(ws.dir, 'audit.key')}, path: ${join(ws.dir, 'checkpoints.jsonl')}, every: ${every} } }`,
    );
    writeFileSync(ws.config, yaml);
    return ws;
  }

  it('writes one signed line every N records and catches a cut the store alone cannot show', async () => {
    const ws = await synced(checkpointWorkspace(5));
    const last = lastSeq(ws);
    const lines = readFileSync(join(ws.dir, 'checkpoints.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.seq)).toEqual(Array.from({ length: Math.floor(last / 5) }, (_, i) => (i + 1) * 5));
    expect(lines[0]).toMatchObject({ alg: 'HMAC-SHA256', mac: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await verify(ws)).toMatchObject({ code: 0 });

    const cutAt = lines[lines.length - 1].seq - 1;
    withDb(ws, (db) => {
      db.prepare('DELETE FROM audit WHERE seq > ?').run(cutAt);
      db.prepare("DELETE FROM meta WHERE key = 'auditHead'").run();
    });
    const r = await verify(ws);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`records ${cutAt + 1} to ${cutAt + 1} are missing, checkpoint file ${join(ws.dir, 'checkpoints.jsonl')}`);
  });

  it('names a checkpoint line whose signature does not match', async () => {
    const ws = await synced(checkpointWorkspace(4));
    const path = join(ws.dir, 'checkpoints.jsonl');
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    lines[1].hash = 'f'.repeat(64);
    writeFileSync(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const r = await verify(ws);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`checkpoint file ${path} line 2 (seq 8) has a signature that does not match`);
  });

  it('reads a relative keyFile from $CREDENTIALS_DIRECTORY and names a key that is too short', async () => {
    const ws = workspace();
    const creds = join(ws.dir, 'creds');
    mkdirSync(creds);
    writeFileSync(join(creds, 'audit.key'), 'short\n');
    writeFileSync(ws.config, readFileSync(ws.config, 'utf8').replace(
      /^audit: .*$/m,
      `audit: { sinks: [], checkpoint: { keyFile: audit.key, path: ${join(ws.dir, 'cp.jsonl')}, every: 2 } }`,
    ));
    ws.writeCsv(people);
    process.env.CREDENTIALS_DIRECTORY = creds;
    try {
      const short = await idsync('sync', '--config', ws.config, '--once');
      expect(short).toMatchObject({ code: 1, stderr: `idsync: audit.checkpoint.keyFile: ${join(creds, 'audit.key')} holds 5 byte(s); at least 16 are needed\n` });
      writeFileSync(join(creds, 'audit.key'), 'a-long-enough-secret-key\n');
      expect((await idsync('sync', '--config', ws.config, '--once')).code).toBe(0);
      expect(readFileSync(join(ws.dir, 'cp.jsonl'), 'utf8').split('\n').length).toBeGreaterThan(3);
      expect(await verify(ws)).toMatchObject({ code: 0 });
    } finally {
      delete process.env.CREDENTIALS_DIRECTORY;
    }
  });
});
