import { startWorld, target, newIdentity, commitPeople, until, pendingCount, deletePrefix, type World } from './provisioning-world';
import { allowTargetRun } from '../../src/services/provisioning/holds';

describe('outbox and thresholds (real Redis)', () => {
  let w: World;
  afterEach(async () => w?.close());

  it("loses nothing when the test's own Redis keys are deleted mid-run: the next sweep re-sends every pending intent", async () => {
    w = await startWorld([target('gitea', { rateLimit: { max: 20, durationMs: 1000 } })], { sweepIntervalMs: 60000, staleAfterMs: 0 });
    const fake = w.fakes.get('gitea')!;
    const people = await commitPeople(w.store, w.targets, Array.from({ length: 60 }, () => ({ before: null, after: newIdentity() })));
    await until('some applied', async () => fake.state.all().length >= 5);
    const deleted = await deletePrefix(w.redis, w.prefix);
    expect(deleted).toBeGreaterThan(0);
    expect(fake.state.all().length).toBeLessThan(people.length);
    await w.service.sweep(0);
    await until('all applied after the sweep', async () => (await pendingCount(w.store)) === 0, 30000);
    expect(people.every((p) => fake.state.effects(p.username).create === 1)).toBe(true);
  });

  it('holds removals beyond the target threshold as a run until it is allowed', async () => {
    w = await startWorld([target('gitea', { thresholds: { maxRemovals: 3, maxRemovalPercent: 100 } })]);
    const fake = w.fakes.get('gitea')!;
    const people = await commitPeople(w.store, w.targets, Array.from({ length: 12 }, () => ({ before: null, after: newIdentity() })));
    await until('provisioned', async () => (await pendingCount(w.store)) === 0 && fake.state.all().length === 12);
    const leavers = people.slice(0, 5);
    await commitPeople(w.store, w.targets, leavers.map((p) => ({ before: p, after: { ...p, state: 'terminated' as const } })));
    const [run] = await until('held run', async () => {
      const runs = await w.store.listRuns({ source: 'target:gitea', status: ['held'] });
      return runs.length ? runs : null;
    });
    expect(run.reason).toMatch(/5 disables\/deletes in gitea exceed maxRemovals 3/);
    expect((await w.store.listIntents({ status: ['held'] })).length).toBe(5);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.state.all().filter((a) => !a.active)).toHaveLength(0);

    const { released } = await allowTargetRun(w.store, run.id, { kind: 'helpdesk', id: 'alice' }, new Date().toISOString());
    expect(released).toBe(5);
    await w.service.sweep(0);
    await until('leavers disabled', async () => leavers.every((p) => fake.state.byUserName(p.username)?.active === false));
    expect((await w.store.getRun(run.id))?.status).toBe('allowed');
    expect((await w.store.auditOfSubject(run.id)).map((a) => a.action)).toEqual(['run.held', 'run.allowed']);
  });

  it('lets removals within the threshold through at once', async () => {
    w = await startWorld([target('gitea', { thresholds: { maxRemovals: 3, maxRemovalPercent: 100 } })]);
    const fake = w.fakes.get('gitea')!;
    const people = await commitPeople(w.store, w.targets, Array.from({ length: 4 }, () => ({ before: null, after: newIdentity() })));
    await until('provisioned', async () => fake.state.all().length === 4 && (await pendingCount(w.store)) === 0);
    await commitPeople(w.store, w.targets, people.slice(0, 2).map((p) => ({ before: p, after: { ...p, state: 'suspended' as const } })));
    await until('disabled', async () => fake.state.all().filter((a) => !a.active).length === 2);
    expect(await w.store.listRuns({ source: 'target:gitea' })).toEqual([]);
  });
});
