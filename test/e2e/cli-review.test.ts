import { join } from 'node:path';
import { idsync, workspace, type Person, type Workspace } from '../helpers/cli';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store';
import { csvCell } from '../../src/cli/csv';
import { decideItem } from '../../src/services/reviews/decide';

const ROLES = [
  'targets:',
  '  - { name: app, kind: fake }',
  'roles:',
  '  - { name: eng, when: \'department == "Engineering"\', groups: [eng], targets: { app: { groups: [developers] } } }',
].join('\n');

const people: Person[] = [
  { id: 'M1', first: 'Mia', last: 'Boss', department: 'Sales', title: 'Head' },
  { id: 'E1', first: 'Ada', last: 'Dev', manager: 'M1' },
  { id: 'E2', first: 'Bo', last: 'Dev', manager: 'M1' },
  { id: 'E3', first: 'Cy', last: 'Solo' },
];

async function synced(): Promise<Workspace> {
  const ws = workspace(ROLES);
  ws.writeCsv(people);
  expect((await idsync('sync', '--config', ws.config, '--once')).code).toBe(0);
  return ws;
}

/** parses the CSV the export writes (quoted cells, doubled quotes, CRLF between rows) */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      endCell();
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      endCell();
      rows.push(row);
      row = [];
      i++;
    } else {
      cell += c;
    }
  }
  return rows;
}

describe('idsync review', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await synced();
  });

  it('start opens a campaign and prints the items per reviewer; the name is unique', async () => {
    const r = await idsync('review', 'start', '--config', ws.config, '--name', 'Q1-2027', '--scope', 'role', 'eng', '--actor', 'olga');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/campaign Q1-2027 opened \(scope: role eng\): 6 items\./);
    // two engineers with a manager (group + account each), one without: operators
    expect(r.stdout).toMatch(/mboss\s+4/);
    expect(r.stdout).toMatch(/operators\s+2/);
    const again = await idsync('review', 'start', '--config', ws.config, '--name', 'Q1-2027');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/a campaign named "Q1-2027" already exists/);
  });

  it('refuses an unknown scope kind (usage) or name (failure) with a clear sentence', async () => {
    const kind = await idsync('review', 'start', '--config', ws.config, '--name', 'X1', '--scope', 'team', 'eng');
    expect(kind.code).toBe(2);
    expect(kind.stderr).toMatch(/unknown scope kind "team": use role, target or group/);
    const name = await idsync('review', 'start', '--config', ws.config, '--name', 'X2', '--scope', 'target', 'nope');
    expect(name.code).toBe(1);
    expect(name.stderr).toMatch(/no target named "nope" \(known targets: app\)/);
    expect((await idsync('review', 'status', '--config', ws.config, '--json')).stdout).not.toMatch(/X1|X2/);
  });

  it('status reports items, decisions and what each reviewer has pending; export writes safe CSV', async () => {
    const store = new SqliteStore(join(ws.dir, 'idsync.db'));
    try {
      const campaign = (await store.getReviewCampaign('Q1-2027'))!;
      const [first] = await store.listReviewItems({ campaignId: campaign.id, reviewer: 'operators' });
      const comment = '=HYPERLINK("http://x"), said "no"\nsecond line';
      await store.commit({ reviewDecisions: [{ ...first, decision: 'revoke', comment, decidedBy: { kind: 'helpdesk', id: 'olga' }, decidedAt: '2027-01-10T10:00:00.000Z' }] });
    } finally {
      await store.close();
    }
    const status = await idsync('review', 'status', '--config', ws.config, '--name', 'Q1-2027', '--json');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual([
      expect.objectContaining({ name: 'Q1-2027', status: 'open', items: 6, decided: 1, kept: 0, revoked: 1, pending: 5, pendingByReviewer: { mboss: 4, operators: 1 } }),
    ]);
    const text = await idsync('review', 'status', '--config', ws.config);
    expect(text.stdout).toMatch(/Q1-2027 \(open, scope role eng, opened .* by olga\): 6 items, 1 decided \(0 kept, 1 revoked\), 5 pending; exceptions: 0 holding, 0 lapsed/);

    const exported = await idsync('review', 'export', '--config', ws.config, '--name', 'Q1-2027', '--format', 'csv');
    expect(exported).toMatchObject({ code: 0, stderr: '' });
    const rows = parseCsv(exported.stdout);
    expect(rows[0]).toEqual(['person', 'entitlement', 'rule', 'reviewer', 'decision', 'comment', 'decided by', 'decided at']);
    expect(rows).toHaveLength(7);
    const revoked = rows.find((r) => r[4] === 'revoke')!;
    expect(revoked[5]).toBe(`'=HYPERLINK("http://x"), said "no"\nsecond line`);
    expect(revoked.slice(6)).toEqual(['olga', '2027-01-10T10:00:00.000Z']);
    expect(rows.filter((r) => r[4] === 'pending').map((r) => r[3]).sort()).toEqual(['mboss', 'mboss', 'mboss', 'mboss', 'operators']);
    expect(rows.some((r) => r[1] === 'account in app [developers]' && r[2] === 'role:eng')).toBe(true);
  });

  it('close ends a campaign: its pending items can no longer be decided', async () => {
    const r = await idsync('review', 'close', '--config', ws.config, '--name', 'Q1-2027', '--actor', 'olga');
    expect(r).toMatchObject({ code: 0, stdout: 'campaign Q1-2027 closed.\n' });
    expect((await idsync('review', 'close', '--config', ws.config, '--name', 'Q1-2027')).stderr).toMatch(/already closed/);
    const store = new SqliteStore(join(ws.dir, 'idsync.db'));
    try {
      const campaign = (await store.getReviewCampaign('Q1-2027'))!;
      expect(campaign.status).toBe('closed');
      const [pending] = await store.listReviewItems({ campaignId: campaign.id, pending: true });
      const deps = { store, clock: { now: () => new Date() }, policy: { entitlements: () => [] }, planner: { intentsFor: () => [] } };
      await expect(decideItem(deps, { campaign: 'Q1-2027', itemId: pending.id, decision: 'keep', actor: { kind: 'helpdesk', id: 'x' }, reviewer: { identityId: pending.reviewer, operator: true } }))
        .rejects.toThrow(/campaign Q1-2027 is closed/);
      expect((await store.readAudit(1, 1000)).filter((a) => a.action === 'review.close')).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('export asks for a known campaign and format', async () => {
    expect((await idsync('review', 'export', '--config', ws.config, '--name', 'nope')).stderr).toMatch(/no review campaign named "nope"/);
    const fmt = await idsync('review', 'export', '--config', ws.config, '--name', 'Q1-2027', '--format', 'xlsx');
    expect(fmt.code).toBe(2);
    expect(fmt.stderr).toMatch(/--format xlsx is not supported; use --format csv/);
  });
});

describe('CSV cells', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    for (const f of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1']) expect(csvCell(f).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell(' padded ')).toBe('" padded "');
  });
});
