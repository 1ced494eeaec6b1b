// The termination drill through the whole daemon (startDaemon, as `idsync run` starts it): the
// termination arrives the way a vendor sends it (a SCIM PATCH from Entra, an HR file dropped on
// disk, an Okta Event Hook) and every clock starts when that event is sent. The LDAP bind is
// probed from the peer process, as an application would; a target's disable is the time idsync
// recorded it after the target answered, then checked against the target itself.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { Client } from 'ldapts';
import { startDaemon, type Daemon } from '../../src/main';
import { silentLogger } from '../../src/ports/logger';
import { deletePrefix } from '../../src/redis/keys';
import { openTarget } from '../../src/connectors/targets';
import { targetSchema, type TargetConfig } from '../../src/config/sections/targets';
import type { Identity } from '../../src/domain/types';
import { openCredentialStore } from '../../src/storage/credentials';
import { startSlapd, type Slapd } from '../../test/helpers/slapd';
import { setPassword } from '../../test/helpers/ldap-bind';
import { oktaControl, probeRefusals, startPeers, webhookStillActive, type Peers, type ProbeResult } from './drill-peers';
import { printLatencies } from './drill-report';
import { employeeIdOf, openVia, type Via, type ViaName } from './drill-via';

const BASE = 'dc=example,dc=com';
const dnOf = (username: string): string => `uid=${username},ou=people,${BASE}`;
const passwordOf = (username: string): string => `drill password for ${username}`;
const PROBE_ACCOUNT = { dn: `cn=drill-probe,ou=services,${BASE}`, password: `probe-${randomBytes(8).toString('hex')}` };
const log = (m: string): void => void process.stderr.write(`${new Date().toISOString()} ${m}\n`);

export interface PushDrillOptions {
  via: ViaName;
  people: number;
  terminate: number;
  concurrency: number;
  /** the drill script, forked with --serve-peers */
  entry: string;
}

/** The targets' settings as the config file gives them. */
function targetSettings(peers: Peers, slapd: Slapd, concurrency: number): Record<string, unknown>[] {
  const common = { concurrency, rateLimit: { max: 5000, durationMs: 1000 }, retries: { attempts: 10, backoffMs: 100, maxBackoffMs: 2000 }, thresholds: { maxRemovals: 100000, maxRemovalPercent: 100 } };
  return [
    { name: 'scim', kind: 'scim', url: peers.scim.url, token: peers.scim.token, ...common },
    { name: 'ldap', kind: 'ldap', url: slapd.url, bindDN: slapd.rootDN, bindPassword: slapd.rootPassword, usersDN: `ou=people,${BASE}`, groupsDN: `ou=groups,${BASE}`, ...common },
    { name: 'webhook', kind: 'webhook', url: peers.hook.url, secret: peers.hook.secret, ...common },
  ];
}

function writeConfig(dir: string, prefix: string, via: Via, targets: Record<string, unknown>[]): string {
  const file = join(dir, 'idsync.yaml');
  // YAML is a superset of JSON: each target is written as the JSON of its raw settings
  writeFileSync(file, [
    `store: { kind: sqlite, path: ${join(dir, 'idsync.db')} }`,
    `redis: { url: ${process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'}, prefix: ${prefix} }`,
    'sources:',
    ...via.sources.map((s) => `  - ${s}`),
    'targets:',
    ...targets.map((t) => `  - ${JSON.stringify(t)}`),
    'ldap:',
    `  baseDN: ${BASE}`,
    '  listen: [ "ldap://127.0.0.1:0" ]',
    `  serviceAccounts: [ { name: drill-probe, password: ${PROBE_ACCOUNT.password} } ]`,
    ...via.extraConfig,
    '',
  ].join('\n'));
  return file;
}

async function seedSlapd(slapd: Slapd): Promise<void> {
  const c = new Client({ url: slapd.url });
  await c.bind(slapd.rootDN, slapd.rootPassword);
  await c.add(BASE, { objectClass: ['dcObject', 'organization'], dc: 'example', o: 'Example' });
  await c.add(`ou=people,${BASE}`, { objectClass: 'organizationalUnit', ou: 'people' });
  await c.add(`ou=groups,${BASE}`, { objectClass: 'organizationalUnit', ou: 'groups' });
  await c.unbind();
}

export async function runPushDrill(o: PushDrillOptions): Promise<number> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'idsync-drill-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  try {
    const { peers, child } = await startPeers(o.entry);
    cleanups.push(async () => child.kill('SIGTERM'));
    const via = openVia(o.via, dir, o.people, { ...peers.okta, control: oktaControl(child) });
    const slapd = await startSlapd({ suffix: BASE, indexes: ['uid eq', 'cn eq', 'member eq'] });
    cleanups.push(() => slapd.stop());
    await seedSlapd(slapd);
    const settings = targetSettings(peers, slapd, o.concurrency);
    const targets = settings.map((t) => targetSchema.parse(t));
    const prefix = `idsync-drill-${randomBytes(4).toString('hex')}`;
    const config = writeConfig(dir, prefix, via, settings);
    await via.prepare(o.people);
    const daemon = await startDaemon(config, { log: silentLogger, initialSync: via.initialSync });
    cleanups.push(async () => {
      await deletePrefix(daemon.redis.client, prefix);
      await daemon.close();
    });
    const ctx = { inboundUrl: daemon.inbound ? daemon.inbound.address.replace(/^tcp:/, 'http:') : null };

    let t0 = Date.now();
    await via.seed(ctx, o.people);
    await waitUntil(async () => (await daemon.store.listIdentities()).length >= o.people, 600_000, 'the population to reach the store');
    await waitUntil(async () => (await daemon.store.listIntents({ status: ['pending'] })).length === 0, 600_000, 'the first provisioning');
    const failed = await daemon.store.listIntents({ status: ['failed'] });
    log(`${o.via}: ${o.people} people in ${targets.length} targets in ${((Date.now() - t0) / 1000).toFixed(1)} s (${failed.length} failed intents)`);

    const victims = await victimsOf(daemon, o.terminate);
    const frontend = daemon.ldapAddresses[0];
    const credentials = await openCredentialStore(daemon.loaded.config, dir);
    for (const v of victims) await setPassword(credentials, v.username, passwordOf(v.username));
    await credentials.close();
    for (const v of victims) if (!(await bindWorks(frontend, v.username))) throw new Error(`${v.username} cannot bind before the drill`);

    // the probe binds from the peer process from now on; the events leave right after
    const probe = probeRefusals(child, frontend, { ...PROBE_ACCOUNT, baseDN: BASE }, victims.map((v) => ({ id: v.id, uid: v.username, dn: dnOf(v.username), password: passwordOf(v.username) })), 120_000)
      // awaited only later: a failed probe must not end the process before the cleanup runs
      .catch((err: Error) => {
        log(`LDAP probe failed: ${err.message}`);
        return new Map<string, ProbeResult>();
      });
    t0 = Date.now();
    const sent = await via.terminate(ctx, victims.length);
    log(`${o.via}: ${victims.length} termination events sent and answered in ${Date.now() - t0} ms`);
    const disabledAt = await targetDisables(daemon, targets, victims);
    const probed = await probe;

    const holding = await stillHolding(daemon, child, targets, victims, frontend);
    const sentAt = (v: Identity) => sent.get(v.employeeId!)?.sentAt ?? NaN;
    const rows: [string, number[]][] = [];
    if (o.via !== 'csv') rows.push([o.via === 'scim-push' ? 'SCIM 2xx answered' : 'hook 2xx answered', victims.map((v) => (sent.get(v.employeeId!)?.answeredAt ?? NaN) - sentAt(v))]);
    // refused from the first search that no longer finds the entry (binds are judged on the same
    // snapshot); the confirming bind follows it, one argon2 verify later
    const refused = (v: Identity) => probed.get(v.id);
    const unconfirmed = victims.filter((v) => refused(v)?.bindCode !== 49).length;
    rows.push(['ldap-bind refused', victims.map((v) => (refused(v)?.goneAnsweredAt ?? NaN) - sentAt(v))]);
    rows.push(['  confirming bind answered', victims.map((v) => (refused(v)?.bindCode === 49 ? refused(v)!.bindAnsweredAt : NaN) - sentAt(v))]);
    for (const t of targets) rows.push([`${t.name} disabled`, victims.map((v) => (disabledAt.get(`${t.name}/${v.id}`) ?? NaN) - sentAt(v))]);
    printLatencies(`termination drill via ${o.via}: ${o.people} people, ${victims.length} terminated at once; ms from the event sent`, rows);
    console.log(`LDAP probe: ${probed.size} entries gone, ${unconfirmed} not confirmed by a refused bind`);
    console.log(`still holding access afterwards: ${holding}`);
    return holding === 0 ? 0 : 1;
  } finally {
    for (const c of cleanups.reverse()) await c().catch((err: Error) => log(`cleanup: ${err.message}`));
  }
}

async function victimsOf(daemon: Daemon, k: number): Promise<Identity[]> {
  const wanted = new Set(Array.from({ length: k }, (_, i) => employeeIdOf(i)));
  const victims = (await daemon.store.listIdentities()).filter((p) => p.employeeId && wanted.has(p.employeeId));
  if (victims.length !== k) throw new Error(`expected ${k} people to terminate in the store, found ${victims.length}`);
  return victims;
}

/** Waits until every victim's account in every target is recorded disabled; the time is idsync's record of it. */
async function targetDisables(daemon: Daemon, targets: TargetConfig[], victims: Identity[]): Promise<Map<string, number>> {
  const at = new Map<string, number>();
  await waitUntil(async () => {
    for (const t of targets) {
      for (const v of victims) {
        const key = `${t.name}/${v.id}`;
        if (at.has(key)) continue;
        const acct = await daemon.store.getTargetAccount(t.name, v.id);
        if (acct && (acct.status === 'disabled' || acct.status === 'deleted')) at.set(key, Date.parse(acct.updatedAt));
      }
    }
    return at.size === targets.length * victims.length;
  }, 120_000, 'every target to disable every leaver').catch((err: Error) => log(err.message));
  return at;
}

/** Asked of the real systems, not of idsync's bookkeeping. */
async function stillHolding(daemon: Daemon, child: ChildProcess, targets: TargetConfig[], victims: Identity[], frontend: string): Promise<number> {
  const connectors = targets.map((t) => ({ t, c: openTarget(t as TargetConfig & { [k: string]: unknown }) }));
  let holding = 0;
  try {
    for (const v of victims) {
      let holds = await bindWorks(frontend, v.username);
      if ((await webhookStillActive(child, [v.username])).length) holds = true;
      for (const { t, c } of connectors) {
        const acct = await daemon.store.getTargetAccount(t.name, v.id);
        if ((await c.lookup(v.username, acct?.externalId ?? null))?.active) holds = true;
      }
      if (holds) holding++;
    }
  } finally {
    await Promise.all(connectors.map(({ c }) => c.close?.()));
  }
  return holding;
}

async function bindWorks(url: string, username: string): Promise<boolean> {
  const c = new Client({ url, timeout: 5000 });
  try {
    await c.bind(dnOf(username), passwordOf(username));
    return true;
  } catch {
    return false;
  } finally {
    await c.unbind().catch(() => undefined);
  }
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
