import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sourceSchema } from '../../src/config/sections/sources';
import { identitySchema } from '../../src/config/sections/core';
import { rolesSchema } from '../../src/config/sections/targets';
import { FakeSource } from '../../src/connectors/sources/fake/fake-source';
import { SyncService, silentLogger } from '../../src/services/sync';
import { createRolePolicy } from '../../src/domain/roles';
import { createIntentPlanner } from '../../src/domain/provisioning';
import { systemClock } from '../../src/ports/clock';
import { startAdminServer, type AdminServer } from '../../src/admin/server';
import { callAdmin } from '../../src/cli/admin-client';
import { parseListen, type ListenAddress } from '../../src/admin/config';
import { resyncUser, type ResyncResult } from '../../src/services/provisioning/resync';
import { listDeadLetters, retryDeadLetters } from '../../src/services/provisioning/dead-letters';
import { startWorld, target, until, pendingCount, type World } from './provisioning-world';

const TOKEN = 'correct-horse-battery-staple';
const roles = rolesSchema.parse([{ name: 'eng', when: 'department == "Engineering"', groups: ['eng'], targets: { gitea: { groups: ['developers'] } } }]);
const rows = [
  { employeeId: '1001', givenName: 'Ada', sn: 'Lovelace', mail: 'ada@example.com', department: 'Engineering', title: 'Engineer', status: 'active' },
  { employeeId: '1002', givenName: 'Bob', sn: 'Byte', mail: 'bob@example.com', department: 'Sales', title: 'Rep', status: 'active' },
];

describe('admin API (fastify, real Redis, real SyncService)', () => {
  let w: World;
  let admin: AdminServer;
  let listen: ListenAddress;
  let source: FakeSource;
  let dir: string;
  let sync: SyncService;
  const sourceCfg = sourceSchema.parse({ name: 'hr', kind: 'fake', records: rows });

  beforeAll(async () => {
    const targets = [target('gitea'), target('wiki')];
    w = await startWorld(targets);
    source = new FakeSource(sourceCfg as never);
    sync = new SyncService({
      store: w.store,
      clock: systemClock,
      policy: createRolePolicy(roles, targets),
      planner: createIntentPlanner(targets),
      identity: identitySchema.parse({}),
      log: silentLogger,
    });
    await sync.runSource(source, sourceCfg);
    await until('initial provisioning', async () => (await pendingCount(w.store)) === 0 && w.fakes.get('wiki')!.state.all().length === 2);
    dir = mkdtempSync(join(tmpdir(), 'idsync-admin-'));
    listen = parseListen(`unix:${join(dir, 'admin.sock')}`)!;
    admin = await startAdminServer(listen, TOKEN, {
      resync: (req) => resyncUser({ store: w.store, sync, sources: [{ cfg: sourceCfg, connector: source }], provisioning: w.service, clock: systemClock }, req),
      failed: (t) => listDeadLetters(w.store, { target: t }),
      retry: (only) => retryDeadLetters(w.store, w.service.queue, only),
      health: async () => ({ ok: true, targets: w.service.targetNames() }),
      metrics: () => w.service.metricsText(),
    });
  });
  afterAll(async () => {
    await admin?.close();
    await w?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ada = async () => (await w.store.getIdentity({ by: 'employeeId', value: '1001' }))!;

  it('refuses requests without the bearer token or with a wrong one', async () => {
    const none = await callAdmin(listen, '', 'GET', '/v1/health');
    const wrong = await callAdmin(listen, 'nope', 'GET', '/v1/health');
    const right = await callAdmin<{ ok: boolean }>(listen, TOKEN, 'GET', '/v1/health');
    expect([none.status, wrong.status, right.status]).toEqual([401, 401, 200]);
  });

  it('asks for the token only on /v1 and /metrics; other paths are the console, absent here (404)', async () => {
    const statuses = await Promise.all(['/metrics', '/v1', '/v1/nothing-here', '/', '/sign-in'].map(async (p) => (await callAdmin(listen, '', 'GET', p)).status));
    expect(statuses).toEqual([401, 401, 401, 404, 404]);
  });

  it('only listens on loopback or a unix socket', () => {
    expect(parseListen('tcp://0.0.0.0:8470')).toBeNull();
    expect(parseListen('tcp://10.1.2.3:8470')).toBeNull();
    expect(parseListen('tcp://127.0.0.1:8470')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 8470 });
    expect(parseListen('tcp://[::1]:8470')).toEqual({ kind: 'tcp', host: '::1', port: 8470 });
  });

  it('resync --dry-run re-reads the source and prints the plan, changing nothing', async () => {
    source.setRecords([{ ...rows[0], title: 'Lead Engineer' }, rows[1]]);
    const before = await ada();
    const res = await callAdmin<ResyncResult>(listen, TOKEN, 'POST', '/v1/resync', { user: before.username, dryRun: true });
    expect(res.status).toBe(200);
    expect(res.body.targets.map((t) => t.outcome)).toEqual(['dry-run', 'dry-run']);
    // the plan is made against the person as the re-read would leave them, not as stored
    expect(res.body.targets[0].plan).toEqual([`~ update gitea ${before.username}`, '~ title: Engineer -> Lead Engineer']);
    expect((await ada()).attributes.title).toBe('Engineer');
    expect(w.fakes.get('gitea')!.state.byUserName(before.username)?.attributes.title).toBe('Engineer');
  });

  it('resync re-reads the person, applies at once, waits, and reports per target what changed', async () => {
    source.setRecords([{ ...rows[0], title: 'Lead Engineer' }, rows[1]]);
    const person = await ada();
    const res = await callAdmin<ResyncResult>(listen, TOKEN, 'POST', '/v1/resync', { user: person.username });
    expect(res.status).toBe(200);
    expect(res.body.targets).toEqual([
      { target: 'gitea', plan: [`~ update gitea ${person.username}`, '~ title: Engineer -> Lead Engineer'], outcome: 'applied' },
      { target: 'wiki', plan: [`~ update wiki ${person.username}`, '~ title: Engineer -> Lead Engineer'], outcome: 'applied' },
    ]);
    expect(w.fakes.get('gitea')!.state.byUserName(person.username)?.attributes.title).toBe('Lead Engineer');
    const audit = (await w.store.auditOfSubject(person.id)).filter((a) => a.correlationId === res.body.correlationId).map((a) => a.action);
    expect(audit).toEqual(expect.arrayContaining(['identity.update', 'target.update']));
  });

  it('resync tells its caller as it goes: the plans while queued, then each outcome', async () => {
    const person = await ada();
    source.setRecords([{ ...rows[0], title: 'Staff Engineer' }, rows[1]]);
    const seen: string[][] = [];
    const deps = { store: w.store, sync, sources: [{ cfg: sourceCfg, connector: source }], provisioning: w.service, clock: systemClock };
    const res = await resyncUser(deps, { user: person.username, actor: 'hana' }, (r) => seen.push(r.targets.map((t) => `${t.target}:${t.outcome}`)));
    expect(seen[0]).toEqual(['gitea:still queued', 'wiki:still queued']);
    expect(seen.at(-1)).toEqual(['gitea:applied', 'wiki:applied']);
    expect(res.targets.map((t) => t.plan[1])).toEqual(['~ title: Lead Engineer -> Staff Engineer', '~ title: Lead Engineer -> Staff Engineer']);
    source.setRecords([{ ...rows[0], title: 'Lead Engineer' }, rows[1]]);
    await resyncUser(deps, { user: person.username });
  });

  it('resync reports the source change it applied, not "unchanged"', async () => {
    const person = await ada();
    source.setRecords([{ ...rows[0], title: 'Principal Engineer' }, rows[1]]);
    const res = await callAdmin<ResyncResult>(listen, TOKEN, 'POST', '/v1/resync', { user: person.username });
    expect(res.status).toBe(200);
    expect(res.body.sources).toEqual([{ source: 'hr', status: `applied: ~ ${person.username} title: Lead Engineer -> Principal Engineer` }]);
    const again = await callAdmin<ResyncResult>(listen, TOKEN, 'POST', '/v1/resync', { user: person.username });
    expect(again.body.sources).toEqual([{ source: 'hr', status: 'unchanged' }]);
  });

  it('answers 404 for an unknown person and 400 for a bad body', async () => {
    expect((await callAdmin(listen, TOKEN, 'POST', '/v1/resync', { user: 'nobody' })).status).toBe(404);
    expect((await callAdmin(listen, TOKEN, 'POST', '/v1/resync', { user: 1 })).status).toBe(400);
    expect((await callAdmin(listen, TOKEN, 'POST', '/v1/resync', { user: 'x', dryRun: 'yes' })).status).toBe(400);
  });

  it('lists and retries dead letters', async () => {
    const bob = (await w.store.getIdentity({ by: 'employeeId', value: '1002' }))!;
    // the first 400 hits the plan's lookup, the second the worker: permanent, so dead-lettered
    w.fakes.get('wiki')!.failNext('400', 2);
    const res = await callAdmin<ResyncResult>(listen, TOKEN, 'POST', '/v1/resync', { user: bob.username, target: 'wiki' });
    expect(res.body.targets).toEqual([{ target: 'wiki', plan: [], outcome: 'failed', error: expect.stringContaining('HTTP 400') }]);
    const failed = await callAdmin<{ failed: { jobId: string }[] }>(listen, TOKEN, 'GET', '/v1/queue/failed');
    expect(failed.body.failed.map((f) => f.jobId)).toEqual([`wiki:${bob.id}`]);
    const retried = await callAdmin<{ retried: unknown[] }>(listen, TOKEN, 'POST', '/v1/queue/retry', { target: 'wiki' });
    expect(retried.body.retried).toHaveLength(1);
    await until('no dead letters', async () => (await listDeadLetters(w.store)).length === 0);
  });

  it('serves Prometheus metrics: queue depths, quarantine, time-to-revoke', async () => {
    const m = await callAdmin<string>(listen, TOKEN, 'GET', '/metrics');
    expect(m.status).toBe(200);
    expect(m.body).toContain('idsync_queue_jobs{target="gitea",state="waiting"}');
    expect(m.body).toContain('idsync_target_quarantined{target="wiki"} 0');
    expect(m.body).toContain('# TYPE idsync_time_to_revoke_seconds histogram');
  });

  it('audits an API resync as the token, whatever actor the body names', async () => {
    const person = await ada();
    source.setRecords([{ ...rows[0], title: 'Staff Engineer' }, rows[1]]);
    const res = await callAdmin<ResyncResult>(listen, TOKEN, 'POST', '/v1/resync', { user: person.username, actor: 'mallory' });
    expect(res.status).toBe(200);
    const actors = (await w.store.auditOfSubject(person.id)).filter((a) => a.correlationId === res.body.correlationId).map((a) => a.actor);
    expect(actors.length).toBeGreaterThan(0);
    expect(actors).not.toContainEqual(expect.objectContaining({ id: 'mallory' }));
    expect(actors).toContainEqual({ kind: 'helpdesk', id: 'token' });
  });
});
