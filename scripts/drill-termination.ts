// Termination drill: N people provisioned into a SCIM target (scimmy), an LDAP target
// (a private slapd) and a webhook target; K terminated in HR. For each leaver, the time to (a) the
// idsync LDAP frontend refusing their bind and (b) each target disabling them. Prints p50/p95/max
// and how many still hold access afterwards (must be 0).
//
// Without --via the engine is assembled here and the clock starts at the commit that records the
// termination. With --via the whole daemon runs and the clock starts when the vendor's event is
// sent (scripts/lib/drill-push.ts): an Entra SCIM PATCH, an HR CSV rewritten, an Okta Event Hook.
//
//   npm run drill:termination -- --people 1000 --terminate 50 [--concurrency 16] [--via scim-push|csv|okta-hook]
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
import { servePeers, startPeers, webhookStillActive } from './lib/drill-peers';
import { printLatencies } from './lib/drill-report';
import { runPushDrill } from './lib/drill-push';
import { VIA_NAMES, type ViaName } from './lib/drill-via';
import { deletePrefix } from '../src/redis/keys';
import { bullTransport } from '../src/queue/transport';

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
    const { peers, child } = await startPeers(__filename);
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
    printLatencies(`termination drill: ${people} people, ${victims.length} terminated; ms from the commit that records it`, rows);
    console.log(`still holding access afterwards: ${holding}`);
    process.exitCode = holding === 0 ? 0 : 1;
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await deletePrefix(redis, prefix);
    redis.disconnect();
  }
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

function via(): ViaName | null {
  const i = process.argv.indexOf('--via');
  if (i < 0) return null;
  const name = process.argv[i + 1] as ViaName;
  if (!VIA_NAMES.includes(name)) throw new Error(`--via must be one of ${VIA_NAMES.join(', ')} (got ${String(process.argv[i + 1])})`);
  return name;
}

async function drill(): Promise<void> {
  const pushed = via();
  if (!pushed) return main();
  const people = flag('people', 1000);
  process.exitCode = await runPushDrill({ via: pushed, people, terminate: Math.min(flag('terminate', 50), people), concurrency: flag('concurrency', 16), entry: __filename });
}

(process.argv.includes('--serve-peers') ? servePeers() : drill()).catch((err) => {
  console.error(`drill failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
