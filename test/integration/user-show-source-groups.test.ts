// `idsync user show` lists the source groups a person is in, with the source that brought each, so
// the helpdesk can see which group (and so which role) gave someone an access. The CLI syncs an
// Entra source (the Graph delta fake over HTTP) into SQLite, with the running Redis for the run lock.
import { idsync } from '../helpers/cli';
import { testConfig } from '../helpers/test-config';
import { startGraphDeltaFake, type GraphDeltaFake } from '../fakes/graph-delta';
import { sourceGroupsOf } from '../../src/cli/commands/user';
import type { Group } from '../../src/domain/types';

let fake: GraphDeltaFake;
beforeEach(async () => {
  fake = await startGraphDeltaFake({ pageSize: 2 });
});
afterEach(() => fake.close());

function configFor(): string {
  return testConfig('showgroups', () => [
    'sources:',
    '  - name: entra',
    '    kind: entra',
    `    tenantId: ${fake.tenantId}`,
    `    clientId: ${fake.clientId}`,
    `    clientSecret: ${fake.clientSecret}`,
    `    authorityUrl: ${fake.authorityUrl}`,
    `    graphUrl: ${fake.graphUrl}`,
    '    groups: { prefix: "az-" }',
    'roles:',
    '  - { name: engineers, when: \'"az-Engineering" in groups\', groups: [wiki-editors] }',
  ]).config;
}

async function sync(config: string): Promise<void> {
  const r = await idsync('sync', '--config', config, '--once', '--source', 'entra');
  expect(r.code === 0 ? 'ok' : `exit ${r.code}\n${r.stdout}${r.stderr}`).toBe('ok');
}

async function show(config: string, who: string): Promise<{ human: string; json: any }> {
  const human = await idsync('user', 'show', '--config', config, who);
  expect(human.code).toBe(0);
  const json = await idsync('user', 'show', '--config', config, who, '--json');
  return { human: human.stdout, json: JSON.parse(json.stdout) };
}

describe('user show: source groups', () => {
  it('names each source group with its source, beside the entitlement it granted, and drops it when the membership goes', async () => {
    const ann = fake.addUser({ givenName: 'Ann', surname: 'Lee', mail: 'ann.lee@example.com', userPrincipalName: 'alee@corp.example', employeeId: 'E1' });
    fake.addUser({ givenName: 'Bob', surname: 'Ray', mail: 'bob.ray@example.com', userPrincipalName: 'bray@corp.example', employeeId: 'E2' });
    const eng = fake.addGroup('Engineering', [ann]);
    const config = configFor();
    await sync(config);

    const before = await show(config, 'ann.lee@example.com');
    expect(before.json.sourceGroups).toEqual([{ name: 'az-Engineering', origin: 'source:entra', direct: true }]);
    expect(before.human).toMatch(/^ {2}source group az-Engineering {2}from source:entra$/m);
    expect(before.human).toMatch(/wiki-editors +granted by role:engineers/);
    expect((await show(config, 'bob.ray@example.com')).json.sourceGroups).toEqual([]);

    fake.removeMember(eng, ann);
    await sync(config);
    const after = await show(config, 'ann.lee@example.com');
    expect(after.json.sourceGroups).toEqual([]);
    expect(after.human).not.toMatch(/source group/);
  });
});

describe('sourceGroupsOf', () => {
  const group = (name: string, extra: Partial<Group>): Group => ({ name, gidNumber: 1, description: null, origin: 'source:ad', createdAt: '2026-01-01T00:00:00Z', ...extra });

  it('marks groups reached through nesting, and leaves out tombstones and groups of other origins', () => {
    const groups = [
      group('ad-Platform', { members: ['i1'] }),
      group('ad-Engineering', { memberGroups: ['ad-Platform'] }),
      group('deleted:ad:x', { members: ['i1'], deletedAt: '2026-02-01T00:00:00Z' }),
      group('wiki-editors', { origin: 'rule:engineers', members: ['i1'] }),
    ];
    expect(sourceGroupsOf('i1', groups)).toEqual([
      { name: 'ad-Engineering', origin: 'source:ad', direct: false },
      { name: 'ad-Platform', origin: 'source:ad', direct: true },
    ]);
    expect(sourceGroupsOf('i2', groups)).toEqual([]);
  });
});
