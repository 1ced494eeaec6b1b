// Termination drill: N people provisioned into a SCIM target (scimmy), an LDAP target
// (a private slapd) and a webhook target; K terminated in HR. For each leaver, the time from the
// moment idsync records the change to (a) the idsync LDAP frontend refusing their bind and (b) each
// target disabling them. Prints p50/p95/max and how many still hold access afterwards (must be 0).
//
//   npm run drill:termination -- --people 1000 --terminate 50 [--concurrency 16]
import { Readable, Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import Redis from 'ioredis';
import { Client } from 'ldapts';
import { sourceSchema } from '../src/config/sections/sources';
import { identitySchema } from '../src/config/sections/core';
import { ldapSchema } from '../src/config/sections/ldap';
import { targetSchema, type TargetConfig } from '../src/config/sections/targets';
import { FakeSource } from '../src/connectors/sources/fake/fake-source';
import { openTarget } from '../src/connectors/targets';
import { createRolePolicy } from '../src/domain/roles';
import { createIntentPlanner } from '../src/domain/provisioning';
import { passwordSetCommand } from '../src/cli/commands/credentials';
import { startLdapServer } from '../src/ldap/server';
import { StoreDirectoryView } from '../src/ldap/view';
import { systemClock } from '../src/ports/clock';
import type { TargetConnector } from '../src/ports/target-connector';
import { SyncService, silentLogger } from '../src/services/sync';
import { ProvisioningService } from '../src/services/provisioning/service';
import { MemoryCredentialStore } from '../src/storage/memory/credential-store';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSlapd } from '../test/helpers/slapd';
import { fork, type ChildProcess } from 'node:child_process';
import { startScimServer } from '../test/fakes/scim-server';
import { startWebhookReceiver } from '../test/fakes/webhook-receiver';
import { deletePrefix } from '../src/redis/keys';
import { bullTransport } from '../src/queue/transport';

interface Peers {
  scim: { url: string; token: string };
  hook: { url: string; secret: string };
}

/**
 * The SCIM service provider and the webhook receiver run in a child process, as real targets run
 * elsewhere: in-process they would share idsync's event loop and the drill would time them, not us.
 */
async function servePeers(): Promise<void> {
  const scim = await startScimServer({ caseInsensitiveFilter: true });
  const hook = await startWebhookReceiver();
  process.on('message', (m: { q: 'webhook-active'; userNames: string[] }) => {
    const active = m.userNames.filter((u) => [...hook.accounts.values()].some((a) => a.userName.toLowerCase() === u.toLowerCase() && a.active));
    process.send?.({ active });
  });
  process.send?.({ scim: { url: scim.url, token: scim.token }, hook: { url: hook.url, secret: hook.secret } } satisfies Peers);
}

function startPeers(): Promise<{ peers: Peers; child: ChildProcess }> {
  const child = fork(__filename, ['--serve-peers'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (peers) => resolve({ peers: peers as Peers, child }));
    child.once('exit', (code) => reject(new Error(`peer process exited with ${code}`)));
  });
}

function webhookStillActive(child: ChildProcess, userNames: string[]): Promise<string[]> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve((m as { active: string[] }).active));
    child.send({ q: 'webhook-active', userNames });
  });
}

const BASE = 'dc=example,dc=com';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
  return v;
}

function hrRow(i: number, status: string): Record<string, string> {
  return { employeeId: `E${100000 + i}`, givenName: `Given${i}`, sn: `Person${i}`, mail: `person${i}@example.com`, department: i % 3 ? 'Engineering' : 'Sales', title: 'Staff', status };
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function seedSlapd(url: string, rootDN: string, password: string): Promise<void> {
  const c = new Client({ url });
  await c.bind(rootDN, password);
  await c.add(BASE, { objectClass: ['dcObject', 'organization'], dc: 'example', o: 'Example' });
  await c.add(`ou=people,${BASE}`, { objectClass: 'organizationalUnit', ou: 'people' });
  await c.add(`ou=groups,${BASE}`, { objectClass: 'organizationalUnit', ou: 'groups' });
  await c.unbind();
}

async function main(): Promise<void> {
  const people = flag('people', 1000);
  const terminate = Math.min(flag('terminate', 50), people);
  const prefix = `idsync-drill-${randomBytes(4).toString('hex')}`;
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const cleanups: (() => Promise<unknown>)[] = [];
  const log = (m: string): void => void process.stderr.write(`${new Date().toISOString()} ${m}\n`);
  try {
    const { peers, child } = await startPeers();
    cleanups.push(async () => child.kill('SIGTERM'));
    const { scim, hook } = peers;
    const slapd = await startSlapd({ suffix: BASE, indexes: ['uid eq', 'cn eq', 'member eq'] });
    cleanups.push(() => slapd.stop());
    await seedSlapd(slapd.url, slapd.rootDN, slapd.rootPassword);

    const common = { concurrency: flag('concurrency', 16), rateLimit: { max: 5000, durationMs: 1000 }, retries: { attempts: 10, backoffMs: 100, maxBackoffMs: 2000 }, thresholds: { maxRemovals: 100000, maxRemovalPercent: 100 } };
    const targets: TargetConfig[] = [
      targetSchema.parse({ name: 'scim', kind: 'scim', url: scim.url, token: scim.token, ...common }),
      targetSchema.parse({ name: 'ldap', kind: 'ldap', url: slapd.url, bindDN: slapd.rootDN, bindPassword: slapd.rootPassword, usersDN: `ou=people,${BASE}`, groupsDN: `ou=groups,${BASE}`, ...common }),
      targetSchema.parse({ name: 'webhook', kind: 'webhook', url: hook.url, secret: hook.secret, ...common }),
    ];
    const connectors = new Map<string, TargetConnector>(targets.map((t) => [t.name, openTarget(t as TargetConfig & { [k: string]: unknown })]));
    cleanups.push(async () => Promise.all([...connectors.values()].map((c) => c.close?.())));

    // the embedded production store: SQLite (WAL) in a scratch directory
    const dir = mkdtempSync(join(tmpdir(), 'idsync-drill-'));
    const store = new SqliteStore(join(dir, 'idsync.db'));
    cleanups.push(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const sourceCfg = sourceSchema.parse({ name: 'hr', kind: 'fake', records: Array.from({ length: people }, (_, i) => hrRow(i, 'active')), safety: { maxRemovals: 100000, maxRemovalPercent: 100 } });
    const source = new FakeSource(sourceCfg as never);
    const sync = new SyncService({ store, clock: systemClock, policy: createRolePolicy([], targets), planner: createIntentPlanner(targets), identity: identitySchema.parse({}), log: silentLogger });

    const disabledAt = new Map<string, Map<string, number>>(targets.map((t) => [t.name, new Map()]));
    const service = new ProvisioningService({
      store, transport: bullTransport(redis, prefix, silentLogger), targets, connectors, sweepIntervalMs: 5000, staleAfterMs: 10000,
      onApplied: (o) => {
        if (o.plan.action === 'disable') disabledAt.get(o.target)!.set(o.identityId, Date.now());
      },
    });
    await service.start();
    cleanups.push(() => service.close());

    let t0 = Date.now();
    await sync.runSource(source, sourceCfg);
    await waitUntil(async () => (await store.listIntents({ status: ['pending'] })).length === 0, 600_000);
    const failed = await store.listIntents({ status: ['failed'] });
    log(`provisioned ${people} people into ${targets.length} targets in ${((Date.now() - t0) / 1000).toFixed(1)} s (${failed.length} failed intents)`);

    // the idsync LDAP frontend over the store-fed view, with passwords for the people to terminate
    const view = new StoreDirectoryView(store, { baseDN: BASE, serviceAccounts: [] });
    await view.start();
    cleanups.push(() => view.close());
    const credentials = new MemoryCredentialStore();
    const everyone = await store.listIdentities();
    const victims = everyone.filter((p) => p.employeeId && Number(p.employeeId.slice(1)) - 100000 < terminate);
    const quiet = new Writable({ write: (_c, _e, cb) => cb() });
    for (const v of victims) await passwordSetCommand({ credentials, username: v.username, input: Readable.from([`pw-${v.username}\n`]), output: quiet, errors: quiet });
    const ldapServer = await startLdapServer({ config: ldapSchema.parse({ baseDN: BASE, listen: ['ldap://127.0.0.1:0'] }), view, credentials, log: pino({ level: 'silent' }) });
    cleanups.push(() => ldapServer.close());
    const frontend = ldapServer.addresses()[0].url;
    const dnOf = (username: string): string => `uid=${username},ou=people,${BASE}`;
    for (const v of victims) await bindWorks(frontend, dnOf(v.username), `pw-${v.username}`).then((ok) => { if (!ok) throw new Error(`${v.username} cannot bind before the drill`); });

    // detection = the commit that records the termination (what idsync sees); bind refusal = the
    // first view snapshot in which the person may no longer bind (then confirmed by a real bind)
    const victimIds = new Set(victims.map((v) => v.id));
    const detectedAt = new Map<string, number>();
    store.onChange((e) => {
      const at = Date.now();
      for (const id of e.identityIds) if (victimIds.has(id) && !detectedAt.has(id)) detectedAt.set(id, at);
    });
    const refusedAt = new Map<string, number>();
    view.onSwap((snap) => {
      const at = Date.now();
      for (const v of victims) {
        if (refusedAt.has(v.id)) continue;
        const subject = snap.bindSubject(dnOf(v.username));
        if (!subject || (subject.kind === 'person' && subject.state !== 'active')) refusedAt.set(v.id, at);
      }
    });

    source.setRecords(Array.from({ length: people }, (_, i) => hrRow(i, i < terminate ? 'terminated' : 'active')));
    t0 = Date.now();
    const report = await sync.runSource(source, sourceCfg);
    log(`HR run: ${report.counts.terminated} terminated, status ${report.status}, ${Date.now() - t0} ms`);
    await waitUntil(async () => targets.every((t) => victims.every((v) => disabledAt.get(t.name)!.has(v.id))) && refusedAt.size === victims.length, 120_000).catch(() => undefined);

    // verify against the real systems, not our bookkeeping
    let holding = 0;
    for (const v of victims) {
      let holds = await bindWorks(frontend, dnOf(v.username), `pw-${v.username}`);
      if ((await webhookStillActive(child, [v.username])).length) holds = true;
      for (const t of targets) {
        const acct = await store.getTargetAccount(t.name, v.id);
        const actual = await connectors.get(t.name)!.lookup(v.username, acct?.externalId ?? null);
        if (actual?.active) holds = true;
      }
      if (holds) holding++;
    }

    const rows: [string, number[]][] = [['ldap-bind (idsync frontend)', victims.map((v) => (refusedAt.get(v.id) ?? NaN) - (detectedAt.get(v.id) ?? NaN))]];
    for (const t of targets) rows.push([`${t.name} disabled`, victims.map((v) => (disabledAt.get(t.name)!.get(v.id) ?? NaN) - (detectedAt.get(v.id) ?? NaN))]);
    console.log(`termination drill: ${people} people, ${victims.length} terminated`);
    console.log('what                          n     p50 ms   p95 ms   max ms');
    for (const [name, values] of rows) {
      const ok = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
      console.log(`${name.padEnd(28)} ${String(ok.length).padStart(3)} ${fmt(percentile(ok, 50))} ${fmt(percentile(ok, 95))} ${fmt(ok.at(-1) ?? NaN)}`);
    }
    console.log(`still holding access afterwards: ${holding}`);
    process.exitCode = holding === 0 ? 0 : 1;
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await deletePrefix(redis, prefix);
    redis.disconnect();
  }
}

function fmt(n: number): string {
  return (Number.isFinite(n) ? n.toFixed(0) : '-').padStart(8);
}

async function bindWorks(url: string, dn: string, password: string): Promise<boolean> {
  const c = new Client({ url, timeout: 5000 });
  try {
    await c.bind(dn, password);
    return true;
  } catch {
    return false;
  } finally {
    await c.unbind().catch(() => undefined);
  }
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

(process.argv.includes('--serve-peers') ? servePeers() : main()).catch((err) => {
  console.error(`drill failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
