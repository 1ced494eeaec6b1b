// One person in an HR CSV and in Entra (the Graph delta fake over HTTP): the CLI syncs both into
// one identity (SQLite store, the running Redis for the run lock), each attribute from the source
// that ranks first for it, and `user show` names the source of every value, whichever source ran first.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { idsync } from '../helpers/cli';
import { startGraphDeltaFake, type GraphDeltaFake } from '../fakes/graph-delta';

let fake: GraphDeltaFake;
beforeEach(async () => {
  fake = await startGraphDeltaFake({ pageSize: 2 });
});
afterEach(() => fake.close());

interface Setup {
  config: string;
  writeHr(lines: string[]): void;
}

// the file has no manager, end date, type or location columns (mapped to null below)
const HR_HEADER = 'employee_id,first_name,last_name,email,department,title,status,start_date,upn';

function setup(entraJoin: string, hrColumns = ''): Setup {
  const dir = mkdtempSync(join(tmpdir(), 'idsync-join2-'));
  const csv = join(dir, 'hr.csv');
  const config = join(dir, 'idsync.yaml');
  writeFileSync(config, [
    `store: { kind: sqlite, path: ${join(dir, 'idsync.db')} }`,
    `redis: { url: redis://127.0.0.1:6379, prefix: idsync-test-${randomUUID()} }`,
    'sources:',
    `  - { name: hr, kind: csv, path: ${csv}, settleSeconds: 0, precedence: 100, attributePrecedence: { title: 10 },`,
    `      columns: { manager: null, endDate: null, employeeType: null, location: null${hrColumns} } }`,
    `  - name: entra`,
    `    kind: entra`,
    `    tenantId: ${fake.tenantId}`,
    `    clientId: ${fake.clientId}`,
    `    clientSecret: ${fake.clientSecret}`,
    `    authorityUrl: ${fake.authorityUrl}`,
    `    graphUrl: ${fake.graphUrl}`,
    `    precedence: 50`,
    `    join: ${entraJoin}`,
  ].join('\n'));
  return { config, writeHr: (lines) => writeFileSync(csv, [HR_HEADER, ...lines, ''].join('\n')) };
}

async function sync(config: string, source: string): Promise<string> {
  const r = await idsync('sync', '--config', config, '--once', '--source', source);
  // on failure, show what the run said
  expect(r.code === 0 && r.stderr === '' ? 'ok' : `exit ${r.code}\n${r.stdout}${r.stderr}`).toBe('ok');
  return r.stdout;
}

async function show(config: string, who: string): Promise<{ human: string[]; json: any }> {
  const human = await idsync('user', 'show', '--config', config, who);
  expect(human.code).toBe(0);
  const json = await idsync('user', 'show', '--config', config, who, '--json');
  return { human: human.stdout.split('\n'), json: JSON.parse(json.stdout) };
}

const lineOf = (lines: string[], attribute: string) => lines.find((l) => l.startsWith(`  ${attribute} `)) ?? `(no line for ${attribute})`;

describe('one person in an HR CSV and in Entra, joined by mail ignoring case', () => {
  const entraJoin = '[employeeId, { attribute: mail, caseInsensitive: true }]';
  let entraId: string;

  function people(s: Setup): void {
    s.writeHr(['E1001,Ann,Lee,ann.lee@example.com,Engineering,Staff Engineer,active,2020-01-01,']);
    // Entra holds no employee id for her, a nickname, another job title and her mail in other case
    entraId = fake.addUser({ givenName: 'Annie', surname: 'Lee', displayName: 'Annie Lee', mail: 'Ann.Lee@Example.COM', userPrincipalName: 'alee@corp.example', jobTitle: 'Engineer', department: 'R&D' });
  }

  function expectMerged(identity: any, human: string[]): void {
    expect(identity).toMatchObject({
      employeeId: 'E1001',
      state: 'active',
      links: expect.arrayContaining([{ source: 'hr', externalId: 'E1001' }, { source: 'entra', externalId: entraId }]),
      attributes: { title: 'Staff Engineer', givenName: 'Annie', department: 'R&D', upn: 'alee@corp.example', startDate: '2020-01-01', mail: 'ann.lee@example.com' },
    });
    expect(identity.links).toHaveLength(2);
    const hr = { source: 'hr', externalId: 'E1001' };
    const entra = { source: 'entra', externalId: entraId };
    expect(identity.provenance).toMatchObject({
      title: { ...hr, rule: 'attributePrecedence:hr.title(10)' },
      employeeId: { ...hr, rule: 'precedence:hr(100)' },
      startDate: { ...hr, rule: 'precedence:hr(100)' },
      givenName: { ...entra, rule: 'precedence:entra(50)' },
      department: { ...entra, rule: 'precedence:entra(50)' },
      upn: { ...entra, rule: 'precedence:entra(50)' },
      sn: { ...entra, rule: 'precedence:entra(50)' },
    });
    expect(lineOf(human, 'title')).toMatch(/^ {2}title +Staff Engineer +from hr:E1001 \(attributePrecedence:hr\.title\(10\)\)$/);
    expect(lineOf(human, 'givenName')).toMatch(new RegExp(`^ {2}givenName +Annie +from entra:${entraId} \\(precedence:entra\\(50\\)\\)$`));
    expect(lineOf(human, 'employeeId')).toMatch(/^ {2}employeeId +E1001 +from hr:E1001 \(precedence:hr\(100\)\)$/);
    expect(lineOf(human, 'upn')).toMatch(new RegExp(`from entra:${entraId} `));
  }

  it('HR first, then Entra: one identity, each value from the source that ranks first, user show names it', async () => {
    const s = setup(entraJoin);
    people(s);
    expect(await sync(s.config, 'hr')).toMatch(/1 created/);
    expect(await sync(s.config, 'entra')).toMatch(/0 created, 1 updated/);
    const { human, json } = await show(s.config, 'E1001');
    expectMerged(json, human);
    expect((await show(s.config, 'ann.lee@example.com')).json.id).toBe(json.id);

    // a later HR change re-merges with the Entra record still in: provenance survives both ways
    s.writeHr(['E1001,Ann,Lee,ann.lee@example.com,Engineering,Principal Engineer,active,2020-01-01,']);
    expect(await sync(s.config, 'hr')).toMatch(/1 updated/);
    const after = await show(s.config, 'E1001');
    expect(after.json.attributes).toMatchObject({ title: 'Principal Engineer', givenName: 'Annie', department: 'R&D' });
    expect(after.json.provenance.givenName).toMatchObject({ source: 'entra', externalId: entraId });
    expect(lineOf(after.human, 'title')).toMatch(/Principal Engineer +from hr:E1001 /);
  });

  it('Entra first, then HR (joined by the default mail rule): the same identity and provenance', async () => {
    const s = setup(entraJoin);
    people(s);
    expect(await sync(s.config, 'entra')).toMatch(/1 created/);
    expect(await sync(s.config, 'hr')).toMatch(/0 created, 1 updated/);
    const { human, json } = await show(s.config, 'E1001');
    expectMerged(json, human);
  });

  it('two HR people with the mail Entra has: a dispute naming the rule, nobody joined or created', async () => {
    const s = setup(entraJoin);
    s.writeHr(['E1,Ann,Lee,team@example.com,Eng,Engineer,active,2020-01-01,', 'E2,Bob,Ray,TEAM@example.com,Eng,Engineer,active,2020-01-01,']);
    fake.addUser({ givenName: 'Ann', surname: 'Lee', mail: 'Team@Example.com', userPrincipalName: 'alee@corp.example' });
    expect(await sync(s.config, 'hr')).toMatch(/2 created/);
    expect(await sync(s.config, 'entra')).toMatch(/0 created, 0 updated, .*1 disputed/);
    const disputes = JSON.parse((await idsync('disputes', 'list', '--config', s.config, '--json')).stdout);
    expect(disputes).toEqual([expect.objectContaining({ source: 'entra', rule: 'mail', candidates: expect.any(Array) })]);
    expect(disputes[0].candidates).toHaveLength(2);
    expect((await show(s.config, 'E1')).json.links).toEqual([{ source: 'hr', externalId: 'E1' }]);
  });
});

describe('joined by upn, an attribute the store keeps no key for', () => {
  it('finds the HR identity whose upn differs only in case, and leaves the others alone', async () => {
    const s = setup('[upn]', ', upn: upn');
    s.writeHr([
      'E1001,Ann,Lee,ann@home.example,Engineering,Staff Engineer,active,2020-01-01,ANN.LEE@corp.example',
      'E1002,Bob,Ray,bob@home.example,Engineering,Engineer,active,2020-01-01,bob.ray@corp.example',
    ]);
    const annEntra = fake.addUser({ givenName: 'Annie', surname: 'Lee', mail: 'ann.lee@corp.example', userPrincipalName: 'ann.lee@corp.example', jobTitle: 'Engineer' });
    fake.addUser({ givenName: 'Cy', surname: 'Ng', mail: 'cy@corp.example', userPrincipalName: 'cy.ng@corp.example' });
    expect(await sync(s.config, 'hr')).toMatch(/2 created/);
    expect(await sync(s.config, 'entra')).toMatch(/1 created, 1 updated/);
    const ann = await show(s.config, 'E1001');
    expect(ann.json.links).toEqual([{ source: 'hr', externalId: 'E1001' }, { source: 'entra', externalId: annEntra }]);
    expect(ann.json.attributes).toMatchObject({ title: 'Staff Engineer', givenName: 'Annie', mail: 'ann.lee@corp.example' });
    // both give upn; entra ranks first for it, so its spelling is kept
    expect(ann.json.provenance.upn).toMatchObject({ source: 'entra', externalId: annEntra });
    expect(ann.json.attributes.upn).toBe('ann.lee@corp.example');
    expect((await show(s.config, 'E1002')).json.links).toEqual([{ source: 'hr', externalId: 'E1002' }]);
  });
});
