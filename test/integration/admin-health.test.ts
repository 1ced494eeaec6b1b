// Readiness over real HTTP (the admin server on a loopback port): a broken critical part makes it
// 503 and says which, a hung one times out instead of hanging the probe, and a pending revocation
// shows its age, which is what "revocations are 5 minutes behind" alerts on.
import Redis from 'ioredis';
import { startAdminServer, type AdminServer } from '../../src/admin/server';
import { parseListen } from '../../src/admin/config';
import { Readiness, registerCoreChecks, CHECK_TIMEOUT_MS } from '../../src/observability/readiness';
import { targetQueueCheck } from '../../src/observability/target-checks';
import { MemoryStore } from '../../src/storage/memory/memory-store';
import { freePort } from '../helpers/slapd';
import type { Intent } from '../../src/domain/types';

const TOKEN = 'admin-health-token-0123456789';

async function serve(readiness: Readiness): Promise<AdminServer> {
  return startAdminServer(parseListen('tcp://127.0.0.1:0')!, TOKEN, {
    resync: async () => {
      throw new Error('not used');
    },
    failed: async () => [],
    retry: async () => [],
    health: async () => ({ ok: true }),
    ready: () => readiness.report(),
    metrics: () => readiness.metricsText(),
  });
}

async function get(server: AdminServer, path: string): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(`${server.address.replace('tcp://', 'http://')}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const text = await res.text();
  return { status: res.status, text, body: text.startsWith('{') ? JSON.parse(text) : null };
}

function intent(id: string, priority: number, createdAt: string): Intent {
  return { id, target: 'wiki', identityId: `p-${id}`, priority, reason: 'test', correlationId: id, status: 'pending', createdAt, updatedAt: createdAt, attempts: 0, lastError: null };
}

describe('readiness over the admin API', () => {
  const servers: AdminServer[] = [];
  const clients: Redis[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
    for (const c of clients) await c.quit().catch(() => c.disconnect());
  });

  it('is 503 naming Redis when Redis does not answer, and 200 against the real one', async () => {
    const store = new MemoryStore();
    const deadPort = await freePort();
    const dead = new Redis({ port: deadPort, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    const live = new Redis({ host: '127.0.0.1', port: 6379 });
    dead.on('error', () => undefined); // the failure is what the check reports
    clients.push(dead, live);
    const down = new Readiness();
    registerCoreChecks(down, { store, redis: dead, sources: [] });
    down.markStarted();
    const up = new Readiness();
    registerCoreChecks(up, { store, redis: live, sources: [] });
    up.markStarted();
    const [a, b] = [await serve(down), await serve(up)];
    servers.push(a, b);

    const bad = await get(a, '/v1/health/ready');
    expect(bad.status).toBe(503);
    expect(bad.body.ok).toBe(false);
    expect(bad.body.checks.redis).toMatchObject({ ok: false, critical: true, error: expect.any(String) });
    expect(bad.body.checks.store).toMatchObject({ ok: true });
    expect((await get(a, '/metrics')).text).toMatch(/^idsync_health_check_ok\{check="redis"\} 0$/m);
    expect((await get(a, '/v1/health/live')).status).toBe(200);

    const good = await get(b, '/v1/health/ready');
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ ok: true, checks: { redis: { ok: true }, store: { ok: true }, startup: { ok: true } } });
  });

  it('is not ready until start-up has finished', async () => {
    const r = new Readiness();
    const s = await serve(r);
    servers.push(s);
    expect((await get(s, '/v1/health/ready')).status).toBe(503);
    r.markStarted();
    expect((await get(s, '/v1/health/ready')).status).toBe(200);
  });

  it('answers within the check timeout when a critical check hangs', async () => {
    const r = new Readiness();
    r.markStarted();
    r.add({ name: 'stuck', critical: true, run: () => new Promise(() => undefined) });
    const s = await serve(r);
    servers.push(s);
    const t0 = Date.now();
    const res = await get(s, '/v1/health/ready');
    expect(Date.now() - t0).toBeLessThan(CHECK_TIMEOUT_MS + 1500);
    expect(res.status).toBe(503);
    expect(res.body.checks.stuck).toEqual({ ok: false, critical: true, error: `no answer within ${CHECK_TIMEOUT_MS} ms` });
  });

  it('shows the age of the oldest pending revocation and change per target, and a quarantined target as degraded', async () => {
    const store = new MemoryStore();
    const now = new Date('2026-06-01T12:00:00Z');
    await store.commit({
      intents: [intent('r1', 1, '2026-06-01T11:55:00Z'), intent('r2', 1, '2026-06-01T11:58:00Z'), intent('c1', 10, '2026-06-01T10:00:00Z')],
    });
    let quarantined = false;
    const r = new Readiness();
    r.markStarted();
    r.add(targetQueueCheck(store, { quarantined: () => quarantined, depth: async () => ({ waiting: 2, prioritized: 1, active: 0, delayed: 0, failed: 4 }) }, 'wiki', () => now));
    const s = await serve(r);
    servers.push(s);
    const ready = await get(s, '/v1/health/ready');
    expect(ready.body.checks['target:wiki']).toMatchObject({ ok: true, depth: 3, oldestPendingSeconds: { revoke: 300, change: 7200, repair: 0 } });
    const m = (await get(s, '/metrics')).text;
    expect(m).toMatch(/^idsync_oldest_pending_intent_age_seconds\{target="wiki",priority="revoke"\} 300$/m);
    expect(m).toMatch(/^idsync_target_queue_depth\{target="wiki"\} 3$/m);
    quarantined = true;
    const after = await get(s, '/v1/health/ready');
    expect(after.status).toBe(200);
    expect(after.body.degraded).toEqual(['target:wiki']);
  });
});
