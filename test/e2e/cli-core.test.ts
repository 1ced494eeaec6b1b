import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hrCsv, idsync, workspace, type Person } from '../helpers/cli';

const base: Person[] = [
  { id: 'E1', first: 'José', last: 'Müller-Łukasz', department: 'Research & Development', title: 'Chemist' },
  { id: 'E2', first: 'John', last: 'Smith', email: 'john.smith@example.com' },
  { id: 'E3', first: 'Jane', last: 'Smith', email: 'jane.smith@example.com', manager: 'E2' },
  { id: 'E4', first: '李', last: '小龙', email: 'li@example.com' },
  { id: 'E5', first: 'Ann', last: 'Lee', status: 'leave' },
  { id: 'E6', first: 'Bob', last: 'Ray' },
  { id: 'E7', first: 'Cy', last: 'Young' },
  { id: 'E8', first: 'Di', last: 'Prince' },
  { id: 'E9', first: 'Ed', last: 'Wood' },
  { id: 'E10', first: 'Fay', last: 'Wray' },
];

async function showJson(config: string, who: string): Promise<Record<string, any>> {
  const r = await idsync('user', 'show', '--config', config, who, '--json');
  expect(r).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(r.stdout);
}

describe('idsync CLI on an SQLite store', () => {
  it('syncs an HR file and shows people by username, employee id and email', async () => {
    const ws = workspace();
    ws.writeCsv(base);
    const sync = await idsync('sync', '--config', ws.config, '--once');
    expect(sync.stderr).toBe('');
    expect(sync.code).toBe(0);
    expect(sync.stdout).toMatch(/^hr: run \S+ applied \(10 seen, 10 created/m);

    const jose = await showJson(ws.config, 'jmullerlukasz');
    expect(jose).toMatchObject({ username: 'jmullerlukasz', employeeId: 'E1', state: 'active' });
    expect(jose.uidNumber).toBeGreaterThanOrEqual(10000);
    expect(jose.attributes).toMatchObject({ givenName: 'José', sn: 'Müller-Łukasz', title: 'Chemist', department: 'Research & Development' });
    expect(jose.provenance.title).toMatchObject({ source: 'hr', externalId: 'E1' });

    expect((await showJson(ws.config, 'E2')).username).toBe('jsmith');
    expect((await showJson(ws.config, 'jane.smith@example.com')).username).toBe('jsmith2');
    expect((await showJson(ws.config, 'E4')).username).toBe('ue4');
    expect((await showJson(ws.config, 'alee')).state).toBe('suspended');
    expect((await showJson(ws.config, 'jsmith2')).attributes.manager).toBe('E2');

    const again = await idsync('sync', '--config', ws.config, '--once');
    expect(again.stdout).toMatch(/10 unchanged|0 created, 0 updated.*0 writes/);
  });

  it('answers a person nobody matches with exit 1 and one sentence, and bad usage with exit 2', async () => {
    const ws = workspace();
    ws.writeCsv(base.slice(0, 2));
    expect((await idsync('sync', '--config', ws.config, '--once')).code).toBe(0);
    const missing = await idsync('user', 'show', '--config', ws.config, 'nobody');
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'idsync: no person matches "nobody" as username, employee id or email.\n' });
    expect((await idsync('user', 'show', '--config', ws.config)).code).toBe(2);
    expect((await idsync('frobnicate')).code).toBe(2);
    expect((await idsync('sync', '--config', ws.config)).code).toBe(2);
  });

  it('config check lists every problem with its path and exits 1', async () => {
    const ws = workspace('bogus: true\nidentity: { usernameMaxLength: 1 }');
    const r = await idsync('config', 'check', '--config', ws.config);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bogus');
    expect(r.stderr).toContain('identity.usernameMaxLength');
    const ok = workspace();
    ok.writeCsv(base); // a missing HR file would be reported as a warning on stderr
    expect(await idsync('config', 'check', '--config', ok.config)).toMatchObject({ code: 0, stderr: '' });
  });

  it('audit verify passes on an intact chain and names the first changed, removed or cut record', async () => {
    const ws = workspace();
    ws.writeCsv(base);
    await idsync('sync', '--config', ws.config, '--once');
    const ok = await idsync('audit', 'verify', '--config', ws.config);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/audit chain intact: \d+ record\(s\) verified/);

    const db = new Database(join(ws.dir, 'idsync.db'));
    const original = db.prepare('SELECT after FROM audit WHERE seq = 3').get() as { after: string };
    db.prepare('UPDATE audit SET after = ? WHERE seq = 3').run(JSON.stringify({ title: 'CEO' }));
    let r = await idsync('audit', 'verify', '--config', ws.config);
    expect(r).toMatchObject({ code: 1, stderr: 'idsync: audit chain broken: audit record 3 was changed: its hash does not match its content.\n' });

    db.prepare('UPDATE audit SET after = ? WHERE seq = 3').run(original.after);
    expect((await idsync('audit', 'verify', '--config', ws.config)).code).toBe(0);

    db.prepare('DELETE FROM audit WHERE seq = 5').run();
    r = await idsync('audit', 'verify', '--config', ws.config);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('audit record 5 is missing');

    const max = (db.prepare('SELECT max(seq) AS m FROM audit').get() as { m: number }).m;
    const db2 = new Database(join(ws.dir, 'idsync.db'));
    db2.prepare('DELETE FROM audit WHERE seq >= 5').run();
    r = await idsync('audit', 'verify', '--config', ws.config);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`audit trail was cut: records 5 to ${max} are missing from the tail`);
    db.close();
    db2.close();
  });

  it('audit show lists one person\'s history and the JSON-lines sink got every record', async () => {
    const ws = workspace();
    ws.writeCsv(base);
    await idsync('sync', '--config', ws.config, '--once');
    ws.writeCsv(base.map((p) => (p.id === 'E6' ? { ...p, title: 'Manager' } : p)));
    await idsync('sync', '--config', ws.config, '--once');
    const r = await idsync('audit', 'show', '--config', ws.config, '--user', 'bray', '--json');
    const records = JSON.parse(r.stdout) as { action: string; after: any; correlationId: string }[];
    expect(records.length).toBeGreaterThanOrEqual(2);
    expect(records.some((rec) => JSON.stringify(rec.after).includes('Manager'))).toBe(true);
    const lines = readFileSync(join(ws.dir, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const db = new Database(join(ws.dir, 'idsync.db'), { readonly: true });
    expect(lines.length).toBe((db.prepare('SELECT count(*) AS n FROM audit').get() as { n: number }).n);
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
    db.close();
  });

  it('holds a run that would terminate more than 20% and applies it only on runs allow', async () => {
    const ws = workspace();
    ws.writeCsv(base);
    await idsync('sync', '--config', ws.config, '--once');
    ws.writeCsv(base.slice(0, 7)); // 3 of 10 gone: 30%
    const held = await idsync('sync', '--config', ws.config, '--once');
    expect(held.code).toBe(0);
    expect(held.stdout).toMatch(/hr: run (\S+) held/);
    const runId = /hr: run (\S+) held/.exec(held.stdout)![1];
    expect((await showJson(ws.config, 'E10')).state).toBe('active');

    const list = await idsync('runs', 'list', '--config', ws.config, '--json');
    const runs = JSON.parse(list.stdout) as { id: string; status: string; counts: { terminated: number } }[];
    expect(runs.find((r) => r.id === runId)).toMatchObject({ status: 'held', counts: { terminated: 3 } });

    const allow = await idsync('runs', 'allow', '--config', ws.config, runId, '--actor', 'helpdesk-ann');
    expect(allow.code).toBe(0);
    expect((await showJson(ws.config, 'E10')).state).toBe('terminated');
    expect((await idsync('runs', 'allow', '--config', ws.config, runId)).code).toBe(1);
    const audit = JSON.parse((await idsync('audit', 'show', '--config', ws.config, '--user', 'E10', '--json')).stdout) as { action: string }[];
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['identity.create']));
  });

  it('sync --once on a file cut inside its last line exits 1, changes nobody, and runs list names the failed check', async () => {
    const ws = workspace();
    const inBerlin = base.map((p) => ({ ...p, location: 'Berlin' }));
    ws.writeCsv(inBerlin);
    await idsync('sync', '--config', ws.config, '--once');
    // E9 and E10 are gone (20%, not over the hold) and the copy stopped inside E8's last field: "Ber"
    writeFileSync(ws.csv, hrCsv(inBerlin.slice(0, 8)).trimEnd().slice(0, -3));
    const cut = await idsync('sync', '--config', ws.config, '--once');
    expect(cut.code).toBe(1);
    expect(cut.stdout).toMatch(/^hr: run \S+ incomplete \(0 seen, 0 created, 0 updated, 0 terminated, .*0 writes\): HR file \S+ is incomplete \(final-newline check\)/m);
    expect((await showJson(ws.config, 'E10')).state).toBe('active');
    expect((await showJson(ws.config, 'E8')).attributes.location).toBe('Berlin');

    const list = await idsync('runs', 'list', '--config', ws.config);
    expect(list.code).toBe(0);
    const newest = list.stdout.split('\n')[1];
    expect(newest).toMatch(/incomplete .*HR file .*hr\.csv is incomplete \(final-newline check\): it does not end with a line break/);
  });

  it('rehire: the same employee id returns with the same username and uidNumber', async () => {
    const ws = workspace();
    ws.writeCsv(base);
    await idsync('sync', '--config', ws.config, '--once');
    const before = await showJson(ws.config, 'E6');
    ws.writeCsv(base.map((p) => (p.id === 'E6' ? { ...p, status: 'terminated', end: '2021-01-01' } : p)));
    await idsync('sync', '--config', ws.config, '--once');
    expect((await showJson(ws.config, 'E6')).state).toBe('terminated');
    ws.writeCsv(base);
    await idsync('sync', '--config', ws.config, '--once');
    const after = await showJson(ws.config, 'E6');
    expect(after).toMatchObject({ state: 'active', username: before.username, uidNumber: before.uidNumber, id: before.id });
  });

  it('sync --dry-run prints the plan and writes nothing', async () => {
    const ws = workspace();
    ws.writeCsv(base.slice(0, 3));
    const r = await idsync('sync', '--config', ws.config, '--once', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('jmullerlukasz');
    expect((await idsync('user', 'show', '--config', ws.config, 'E1')).code).toBe(1);
  });
});

describe('idsync disputes list', () => {
  it('lists a record that matched two people and changed nothing for them', async () => {
    const ws = workspace();
    // a second, non-authoritative source correlates by mail only; two people share a team mailbox
    const badgeCsv = join(ws.dir, 'badges.csv');
    const cfg = readFileSync(ws.config, 'utf8').replace(
      'audit:',
      `  - { name: badges, kind: csv, path: ${badgeCsv}, authoritative: false, join: [mail], precedence: 200, settleSeconds: 0 }\naudit:`,
    );
    writeFileSync(ws.config, cfg);
    const shared = 'team@example.com';
    const people: Person[] = [
      { id: 'E1', first: 'Ann', last: 'One', email: shared },
      { id: 'E2', first: 'Ben', last: 'Two', email: shared },
      { id: 'E3', first: 'Cy', last: 'Three' },
    ];
    ws.writeCsv(people);
    writeFileSync(badgeCsv, hrCsv([{ id: 'B7', first: 'Team', last: 'Box', email: shared }, { id: 'B8', first: 'Cy', last: 'Three', email: 'cy.three@example.com' }]));
    const run = await idsync('sync', '--config', ws.config, '--once');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/badges: run \S+ applied \(2 seen, 0 created, 1 updated, .*1 disputed/);
    const list = await idsync('disputes', 'list', '--config', ws.config, '--json');
    const disputes = JSON.parse(list.stdout) as { source: string; externalId: string; rule: string; candidates: string[] }[];
    expect(disputes).toHaveLength(1);
    expect(disputes[0]).toMatchObject({ source: 'badges', externalId: 'B7', rule: 'mail' });
    expect(disputes[0].candidates).toHaveLength(2);
    for (const who of ['aone', 'btwo']) {
      const shown = JSON.parse((await idsync('user', 'show', '--config', ws.config, who, '--json')).stdout);
      expect(shown.links).toEqual([{ source: 'hr', externalId: who === 'aone' ? 'E1' : 'E2' }]);
    }
    const human = await idsync('disputes', 'list', '--config', ws.config);
    expect(human.stdout).toMatch(/badges\s+B7\s+mail\s+(aone,btwo|btwo,aone)/);
  });
});
