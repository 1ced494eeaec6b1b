// Health and metrics of the running daemon over real HTTP (admin API, real Redis, real LDAP
// listener): live, ready with every part, and a failing source shown as degraded, not as down.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, rmSync } from 'node:fs';
import { freePort } from '../helpers/slapd';
import { idsync, workspace, type Workspace } from '../helpers/cli';
import { IDSYNC_BIN as BIN, stopChild, until } from '../helpers/process';

const TOKEN = 'health-e2e-token-0123456789';

describe('the daemon reports health and operational metrics on the admin API', () => {
  let child: ChildProcess;
  let ws: Workspace;
  let admin: string;
  let ldapPort: number;
  const get = async (path: string) => {
    const res = await fetch(`${admin}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const text = await res.text();
    return { status: res.status, text, json: () => JSON.parse(text) };
  };

  beforeAll(async () => {
    const adminPort = await freePort();
    ldapPort = await freePort();
    admin = `http://127.0.0.1:${adminPort}`;
    ws = workspace();
    appendFileSync(
      ws.config,
      [
        'ldap:',
        '  baseDN: dc=example,dc=com',
        `  listen: [ "ldap://127.0.0.1:${ldapPort}" ]`,
        '  serviceAccounts: [ { name: app, password: "app-secret-app-secret" } ]',
        'targets:',
        '  - { name: app, kind: fake }',
        `admin: { listen: "tcp://127.0.0.1:${adminPort}", token: "${TOKEN}" }`,
        '',
      ].join('\n'),
    );
    ws.writeCsv([{ id: 'E1', first: 'Ada', last: 'Lovelace' }, { id: 'E2', first: 'Alan', last: 'Turing' }]);
    child = spawn(process.execPath, [BIN, 'run', '--config', ws.config], { stdio: 'ignore' });
    await until(async () => {
      const r = await get('/v1/health/ready');
      return r.status === 200 && r.json().checks['source:hr']?.lastRun?.outcome === 'applied' ? true : undefined;
    }, 30000, { retryOnError: true });
  });
  afterAll(() => stopChild(child));

  it('answers live while the process runs', async () => {
    const live = await get('/v1/health/live');
    expect(live.status).toBe(200);
    expect(live.json()).toMatchObject({ ok: true, pid: child.pid });
  });

  it('is ready with the store, Redis, each LDAP listener, each source and each target checked', async () => {
    const ready = await get('/v1/health/ready');
    expect(ready.status).toBe(200);
    const body = ready.json();
    expect(body).toMatchObject({ ok: true, degraded: [] });
    expect(body.checks.store).toMatchObject({ ok: true, critical: true });
    expect(body.checks.redis).toMatchObject({ ok: true, critical: true });
    expect(body.checks.ldap).toEqual({ ok: true, critical: true, listeners: { [`ldap://127.0.0.1:${ldapPort}`]: 'accepting' } });
    expect(body.checks['source:hr']).toMatchObject({ ok: true, critical: false, lastRun: { outcome: 'applied' } });
    expect(body.checks['source:hr'].lastRun.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(body.checks['target:app']).toMatchObject({ ok: true, critical: false, quarantined: false, oldestPendingSeconds: { revoke: expect.any(Number) } });
    expect(typeof body.checks['target:app'].depth).toBe('number');
  });

  it('keeps /v1/health as before, with the readiness report beside it', async () => {
    const h = await get('/v1/health');
    expect(h.status).toBe(200);
    expect(h.json()).toMatchObject({ ok: true, redis: 'ok', targets: { app: { quarantined: false } }, ready: { ok: true } });
  });

  it('exposes per-source run age and outcome, per-target queue depth, oldest pending intent and time-to-revoke', async () => {
    const m = await get('/metrics');
    expect(m.status).toBe(200);
    expect(m.text).toMatch(/^idsync_ready 1$/m);
    expect(m.text).toMatch(/^idsync_source_last_success_age_seconds\{source="hr"\} \d+$/m);
    expect(m.text).toMatch(/^idsync_source_last_run_age_seconds\{source="hr"\} \d+$/m);
    expect(m.text).toMatch(/^idsync_source_last_run_outcome\{source="hr",outcome="applied"\} 1$/m);
    expect(m.text).toMatch(/^idsync_source_last_run_success\{source="hr"\} 1$/m);
    expect(m.text).toMatch(/^idsync_target_queue_depth\{target="app"\} \d+$/m);
    expect(m.text).toMatch(/^idsync_oldest_pending_intent_age_seconds\{target="app",priority="revoke"\} \d+$/m);
    expect(m.text).toMatch(/^idsync_ldap_listener_up\{url="ldap:\/\/127\.0\.0\.1:\d+"\} 1$/m);
    expect(m.text).toContain('# TYPE idsync_time_to_revoke_seconds histogram');
    // each family's header appears once (Prometheus rejects repeated families)
    const types = m.text.split('\n').filter((l) => l.startsWith('# TYPE '));
    expect(new Set(types).size).toBe(types.length);
  });

  it('reports a source whose last run failed as degraded while staying ready', async () => {
    rmSync(ws.csv);
    await idsync('sync', '--config', ws.config, '--once');
    const ready = await get('/v1/health/ready');
    expect(ready.status).toBe(200);
    const body = ready.json();
    expect(body.ok).toBe(true);
    expect(body.degraded).toEqual(['source:hr']);
    expect(body.checks['source:hr']).toMatchObject({ ok: false, lastRun: { outcome: 'failed' } });
    expect(body.checks['source:hr'].lastSuccessAgeSeconds).toBeGreaterThanOrEqual(0);
    const m = await get('/metrics');
    expect(m.text).toMatch(/^idsync_source_last_run_success\{source="hr"\} 0$/m);
    expect(m.text).toMatch(/^idsync_source_last_run_outcome\{source="hr",outcome="failed"\} 1$/m);
    expect(m.text).toMatch(/^idsync_health_check_ok\{check="source:hr"\} 0$/m);
  });
});
