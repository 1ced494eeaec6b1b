import { startWorld, target, newIdentity, commitPerson, commitPeople, until, pendingCount, type World } from './provisioning-world';
import { silentLogger } from '../../src/ports/logger';
import { bullJobIdOf } from '../../src/queue/names';
import { FakeTarget } from '../../src/connectors/targets/fake/fake-target';
import type { TargetConnector } from '../../src/ports/target-connector';

/** Counts the connector's calls in flight, and the most seen at once. */
function countingInFlight(inner: TargetConnector): { connector: TargetConnector; peak: () => number } {
  let now = 0;
  let peak = 0;
  const connector = new Proxy(inner, {
    get(t, key, receiver) {
      const v = Reflect.get(t, key, receiver);
      if (typeof v !== 'function' || !['lookup', 'create', 'update', 'disable', 'remove'].includes(String(key))) return v;
      return async (...args: unknown[]) => {
        peak = Math.max(peak, ++now);
        try {
          return await v.apply(t, args);
        } finally {
          now--;
        }
      };
    },
  });
  return { connector, peak: () => peak };
}

describe('per-target queues and workers (real Redis)', () => {
  let w: World;
  const gitea = target('gitea');
  const wiki = target('wiki');
  beforeEach(async () => {
    w = await startWorld([gitea, wiki]);
  });
  afterEach(async () => w.close());

  it('provisions a joiner in every target, audits each change with the correlation id, and marks intents done', async () => {
    const p = await commitPerson(w.store, w.targets, null, newIdentity(), 'corr-joiner');
    await until('both accounts', async () => w.fakes.get('gitea')!.state.byUserName(p.username) && w.fakes.get('wiki')!.state.byUserName(p.username));
    await until('intents done', async () => (await pendingCount(w.store)) === 0);
    const audit = (await w.store.auditOfSubject(p.id)).filter((a) => a.action === 'target.create');
    const byTarget = [...audit].sort((a, b) => JSON.stringify(a.actor).localeCompare(JSON.stringify(b.actor)));
    expect(byTarget.map((a) => [a.actor, a.correlationId])).toEqual([
      [{ kind: 'worker', id: 'worker:gitea', target: 'gitea' }, 'corr-joiner'],
      [{ kind: 'worker', id: 'worker:wiki', target: 'wiki' }, 'corr-joiner'],
    ]);
    const acct = await w.store.getTargetAccount('gitea', p.id);
    expect(acct).toMatchObject({ status: 'provisioned', externalId: expect.any(String) });
    expect(acct!.appliedHash).toBe(acct!.desiredHash);
  });

  it('moves and then disables a leaver; duplicates and reordered jobs change nothing more', async () => {
    const p = await commitPerson(w.store, w.targets, null, newIdentity());
    await until('created', async () => (await pendingCount(w.store)) === 0 && w.fakes.get('gitea')!.state.byUserName(p.username));
    const moved = await commitPerson(w.store, w.targets, p, { ...p, attributes: { ...p.attributes, title: 'Lead' } });
    await until('updated', async () => w.fakes.get('gitea')!.state.byUserName(p.username)?.attributes.title === 'Lead');
    const gone = await commitPerson(w.store, w.targets, moved, { ...moved, state: 'terminated' });
    await until('disabled', async () => w.fakes.get('gitea')!.state.byUserName(p.username)?.active === false);
    // replay stale jobs, out of order, many times
    for (let i = 0; i < 5; i++) {
      await w.service.queue.enqueue({ target: 'gitea', identityId: gone.id, priority: 10, correlationId: 'old', intentId: 'x' });
    }
    await until('queue drained', async () => {
      const d = await w.service.queue.depth('gitea');
      return d.waiting + d.prioritized + d.active + d.delayed === 0;
    });
    expect(w.fakes.get('gitea')!.state.effects(p.username)).toEqual({ create: 1, update: 1, disable: 1 });
    expect(w.fakes.get('gitea')!.state.byUserName(p.username)?.active).toBe(false);
  });

  it('adopts an existing account with the same userName (case-insensitive) instead of duplicating it', async () => {
    const id = newIdentity();
    w.fakes.get('gitea')!.plant({ userName: id.username.toUpperCase(), active: true, attributes: {}, groups: [] });
    await commitPerson(w.store, w.targets, null, id);
    await until('adopted', async () => (await pendingCount(w.store)) === 0);
    expect(w.fakes.get('gitea')!.state.effects(id.username)).toEqual({ create: 1, update: 1 });
    expect(w.fakes.get('gitea')!.state.all().filter((a) => a.userName.toLowerCase() === id.username.toLowerCase())).toHaveLength(1);
  });

  it('takes more jobs from the queue than the target concurrency, but never calls the target with more at once', async () => {
    await w.close();
    const two = target('gitea', { concurrency: 2 });
    const fake = new FakeTarget('gitea', { latencyMs: 30 });
    const counted = countingInFlight(fake);
    w = await startWorld([two], { connectors: new Map([['gitea', counted.connector]]) });
    const people = await commitPeople(w.store, w.targets, Array.from({ length: 12 }, () => ({ before: null, after: newIdentity() })));
    // the worker holds twice the concurrency: the next job is fetched while two pairs are applied
    await until('more jobs active than calls allowed', async () => (await w.service.queue.depth('gitea')).active > 2);
    await until('all provisioned', async () => (await pendingCount(w.store)) === 0);
    expect(people.every((p) => fake.state.byUserName(p.username))).toBe(true);
    expect(counted.peak()).toBe(2);
    await fake.close();
  });

  it('uses job ids <target>:<identityId>, percent-encoded for BullMQ, one job per pair', async () => {
    await w.close();
    w = await startWorld([gitea], { workers: false, dispatchOnCommit: false });
    const p = await commitPerson(w.store, w.targets, null, newIdentity());
    for (let i = 0; i < 3; i++) await w.service.sweep(0);
    const q = w.service.queue.queueFor('gitea');
    const jobs = await q.getJobs(['waiting', 'prioritized']);
    expect(jobs.map((j) => j.id)).toEqual([`gitea%3A${p.id}`]);
    expect(bullJobIdOf('gitea', p.id)).toBe(`gitea%3A${p.id}`);
  });

  it('runs terminations before everything else on the queue', async () => {
    await w.close();
    w = await startWorld([target('gitea', { concurrency: 1 })], { workers: false });
    const people = await commitPeople(w.store, w.targets, Array.from({ length: 12 }, () => ({ before: null, after: newIdentity() })));
    // give them accounts first (a worker in this process applies jobs directly)
    for (const p of people) await w.service.handle({ target: 'gitea', identityId: p.id, priority: 10, correlationId: 'c', intentId: 'i' });
    const joiners = await commitPeople(w.store, w.targets, Array.from({ length: 10 }, () => ({ before: null, after: newIdentity() })));
    const leaver = people[5];
    await commitPerson(w.store, w.targets, leaver, { ...leaver, state: 'terminated' });
    const q = w.service.queue.queueFor('gitea');
    await until('joiners queued', async () => {
      const d = await w.service.queue.depth('gitea');
      return d.prioritized + d.waiting >= people.length + joiners.length;
    });
    // the leaver's pair already had a waiting job: the termination raised it to priority 1
    await until('leaver at priority 1', async () => (await q.getJob(bullJobIdOf('gitea', leaver.id)))?.priority === 1);
    const order: string[] = [];
    const { startBullWorker } = await import('../../src/queue/bullmq-worker');
    const worker = startBullWorker({
      connection: w.redis, prefix: w.prefix, target: 'gitea', concurrency: 1, rateLimit: { max: 1000, durationMs: 1000 },
      retries: gitea.retries, handle: async (job) => void order.push(job.identityId), log: silentLogger,
    });
    await until('all processed', async () => order.length >= people.length + joiners.length);
    await worker.close();
    expect(order[0]).toBe(leaver.id);
  });
});
