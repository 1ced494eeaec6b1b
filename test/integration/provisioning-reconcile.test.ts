import { startWorld, target, newIdentity, commitPeople, until, pendingCount, type World } from './provisioning-world';

describe('target reconcile (real Redis)', () => {
  let w: World;
  afterEach(async () => w?.close());

  async function provisioned(n: number, over: Record<string, unknown> = {}) {
    w = await startWorld([target('gitea', over)]);
    const people = await commitPeople(w.store, w.targets, Array.from({ length: n }, () => ({ before: null, after: newIdentity() })));
    await until('provisioned', async () => (await pendingCount(w.store)) === 0 && w.fakes.get('gitea')!.state.all().length === n);
    return people;
  }

  it('repairs an attribute changed by hand and an account re-enabled by hand; reports orphans without deleting them', async () => {
    const people = await provisioned(4);
    const fake = w.fakes.get('gitea')!;
    const [a, b, c] = people;
    await commitPeople(w.store, w.targets, [{ before: c, after: { ...c, state: 'terminated' } }]);
    await until('c disabled', async () => fake.state.byUserName(c.username)?.active === false);
    fake.tamper(a.username, { attributes: { ...fake.state.byUserName(a.username)!.attributes, title: 'Hacker' } });
    fake.tamper(c.username, { active: true });
    fake.plant({ userName: 'stranger', active: true, attributes: {}, groups: [] });

    const report = await w.service.reconcile('gitea');
    expect(report.accounts).toBe(5);
    expect(report.orphans).toEqual(['stranger']);
    expect(report.drift.map((d) => d.username).sort()).toEqual([a.username, c.username].sort());
    expect(report.drift.find((d) => d.username === a.username)?.plan).toContain('~ title: Hacker -> Engineer');
    expect(report.drift.find((d) => d.username === c.username)?.plan).toEqual([`- disable gitea ${c.username}`]);

    await until('drift repaired', async () => fake.state.byUserName(a.username)?.attributes.title === 'Engineer' && fake.state.byUserName(c.username)?.active === false);
    expect(fake.state.byUserName('stranger')).not.toBeNull();
    expect(fake.state.byUserName(b.username)?.active).toBe(true);
    const audit = await w.store.auditOfSubject('gitea');
    expect(audit.map((x) => x.action)).toEqual(['target.reconcile']);
  });

  it('recreates an account deleted by hand, and deletes orphans only when configured to', async () => {
    const people = await provisioned(2, { reconcile: { deleteOrphans: true } });
    const fake = w.fakes.get('gitea')!;
    fake.state.delete(fake.state.byUserName(people[0].username)!);
    fake.plant({ userName: 'stranger', active: true, attributes: {}, groups: [] });
    const dry = await w.service.reconcile('gitea', { dryRun: true });
    expect(dry).toMatchObject({ missing: [people[0].username], orphans: ['stranger'], orphansRemoved: 0 });
    expect(fake.state.byUserName('stranger')).not.toBeNull();
    const report = await w.service.reconcile('gitea');
    expect(report.orphansRemoved).toBe(1);
    expect(fake.state.byUserName('stranger')).toBeNull();
    await until('recreated', async () => fake.state.byUserName(people[0].username));
  });
});
