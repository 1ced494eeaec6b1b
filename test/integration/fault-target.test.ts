import { startWorld, target, newIdentity, commitPerson, commitPeople, until, pendingCount, type World } from './provisioning-world';
import { listDeadLetters, retryDeadLetters } from '../../src/services/provisioning/dead-letters';
import { bullJobIdOf } from '../../src/queue/names';

describe('a misbehaving target (real Redis)', () => {
  let w: World;
  afterEach(async () => w?.close());

  it('retries 500s and timeouts with backoff and recovers', async () => {
    w = await startWorld([target('gitea', { retries: { attempts: 6, backoffMs: 30, maxBackoffMs: 100 } })]);
    const fake = w.fakes.get('gitea')!;
    fake.failNext('500', 2);
    fake.failNext('timeout', 1);
    const p = await commitPerson(w.store, w.targets, null, newIdentity());
    await until('created after retries', async () => fake.state.byUserName(p.username));
    await until('intent done', async () => (await pendingCount(w.store)) === 0);
    expect(fake.failures).toBe(3);
    expect(fake.state.effects(p.username)).toEqual({ create: 1 });
  });

  it('honours 429 Retry-After by pausing the target queue, without spending attempts', async () => {
    w = await startWorld([target('gitea', { retries: { attempts: 1, backoffMs: 10, maxBackoffMs: 10 } })]);
    const fake = w.fakes.get('gitea')!;
    // one attempt only: were the 429 counted as an attempt, the job would be dead-lettered
    (fake as unknown as { cfg: { faults: { retryAfterMs: number } } }).cfg.faults.retryAfterMs = 700;
    fake.failNext('429', 1);
    const started = Date.now();
    const people = await commitPeople(w.store, w.targets, [{ before: null, after: newIdentity() }, { before: null, after: newIdentity() }]);
    await until('both created', async () => people.every((p) => fake.state.byUserName(p.username)));
    expect(Date.now() - started).toBeGreaterThanOrEqual(650);
    expect(await listDeadLetters(w.store)).toEqual([]);
  });

  it('dead-letters a permanent 4xx at once, lists it, and retries it on request', async () => {
    w = await startWorld([target('gitea', { retries: { attempts: 5, backoffMs: 10, maxBackoffMs: 10 } })]);
    const fake = w.fakes.get('gitea')!;
    fake.failNext('400', 1);
    const p = await commitPerson(w.store, w.targets, null, newIdentity());
    const [letter] = await until('dead letter', async () => {
      const l = await listDeadLetters(w.store);
      return l.length ? l : null;
    });
    expect(letter).toMatchObject({ jobId: `gitea:${p.id}`, username: p.username, attempts: 1, lastError: expect.stringContaining('HTTP 400') });
    expect(fake.calls).toBe(1); // the rejected call, not retried
    const job = await w.service.queue.queueFor('gitea').getJob(bullJobIdOf('gitea', p.id));
    expect(await job?.getState()).toBe('failed');
    expect(await w.store.getTargetAccount('gitea', p.id)).toMatchObject({ status: 'failed' });

    const retried = await retryDeadLetters(w.store, w.service.queue, { user: p.username });
    expect(retried.map((r) => r.jobId)).toEqual([`gitea:${p.id}`]);
    await until('created on retry', async () => fake.state.byUserName(p.username));
    await until('dead letters empty', async () => (await listDeadLetters(w.store)).length === 0);
    expect(await w.store.getTargetAccount('gitea', p.id)).toMatchObject({ status: 'provisioned' });
  });

  it('reports a malformed response as a clear error and keeps the process alive', async () => {
    w = await startWorld([target('gitea', { retries: { attempts: 2, backoffMs: 10, maxBackoffMs: 10 } })]);
    const fake = w.fakes.get('gitea')!;
    fake.failNext('malformed', 2);
    const p = await commitPerson(w.store, w.targets, null, newIdentity());
    const [letter] = await until('dead letter', async () => {
      const l = await listDeadLetters(w.store);
      return l.length ? l : null;
    });
    expect(letter.lastError).toMatch(/malformed response: expected a JSON object/);
    // the worker is still serving: the next person goes through
    const q = await commitPerson(w.store, w.targets, null, newIdentity());
    await until('next person created', async () => fake.state.byUserName(q.username));
    expect(fake.state.byUserName(p.username)).toBeNull();
  });

  it('quarantines a target failing most calls, audits it, and records its recovery', async () => {
    const quarantine = { windowMs: 60000, minCalls: 6, failureRatio: 0.5, rateMax: 50 };
    w = await startWorld([target('gitea', { quarantine, retries: { attempts: 50, backoffMs: 20, maxBackoffMs: 40 } })]);
    const fake = w.fakes.get('gitea')!;
    fake.setFaultRate(1, ['500']);
    const people = await commitPeople(w.store, w.targets, Array.from({ length: 4 }, () => ({ before: null, after: newIdentity() })));
    await until('quarantined', async () => w.service.health.get('gitea')!.quarantined);
    expect(await w.service.metricsText()).toContain('idsync_target_quarantined{target="gitea"} 1');
    fake.setFaultRate(0);
    await until('all created', async () => people.every((p) => fake.state.byUserName(p.username)), 30000);
    // recovery needs the window's failure ratio to fall: more successful traffic
    const more = await commitPeople(w.store, w.targets, Array.from({ length: 30 }, () => ({ before: null, after: newIdentity() })));
    await until('more created', async () => more.every((p) => fake.state.byUserName(p.username)), 30000);
    await until('recovered', async () => !w.service.health.get('gitea')!.quarantined, 30000);
    const actions = (await w.store.auditOfSubject('gitea')).map((a) => a.action);
    expect(actions).toEqual(['target.quarantined', 'target.recovered']);
  });
});
