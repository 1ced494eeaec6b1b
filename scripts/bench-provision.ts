// Provisioning benchmark: changes applied per second against a local SCIM service provider
// (scimmy + express), through the whole engine: outbox intents -> BullMQ (real Redis) -> workers ->
// SCIM connector, SQLite store. Measures creates, then updates (a title change for everyone), then disables.
//
//   npm run bench:provision -- --people 2000 --concurrency 16
import { randomBytes, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { targetSchema } from '../src/config/sections/targets';
import { openTarget } from '../src/connectors/targets';
import { createIntentPlanner } from '../src/domain/provisioning';
import type { Identity } from '../src/domain/types';
import { ProvisioningService } from '../src/services/provisioning/service';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store';
import { startScimServer } from '../test/fakes/scim-server';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deletePrefix } from '../src/redis/keys';
import { bullTransport } from '../src/queue/transport';
import { silentLogger } from '../src/ports/logger';

/** The SCIM provider runs in its own process, as a real one would: it must not share our event loop. */
async function serveScim(): Promise<void> {
  const scim = await startScimServer({ caseInsensitiveFilter: true });
  process.on('message', () => process.send?.({ requests: scim.effects.requests }));
  process.send?.({ url: scim.url, token: scim.token });
}

function ask<T>(child: ChildProcess, message?: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('exit', (code) => reject(new Error(`SCIM process exited with ${code}`)));
    if (message !== undefined) child.send(message as object);
  });
}

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
  return v;
}

function person(i: number): Identity {
  const now = new Date().toISOString();
  return {
    id: randomUUID(), revision: 0, username: `bench${i}`, uidNumber: 10000 + i, employeeId: `B${i}`, state: 'active', stateChangedAt: now,
    attributes: { givenName: `Given${i}`, sn: `Bench${i}`, displayName: `Given${i} Bench${i}`, mail: `bench${i}@example.com`, employeeId: `B${i}`, department: 'Engineering', title: 'Engineer' },
    provenance: {}, links: [], entitlements: [{ kind: 'account', name: 'app', values: [], rule: 'builtin:all-active' }], createdAt: now, updatedAt: now,
  };
}

async function main(): Promise<void> {
  const n = flag('people', 2000);
  const concurrency = flag('concurrency', 16);
  const prefix = `idsync-bench-${randomBytes(4).toString('hex')}`;
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const child = fork(__filename, ['--serve-scim'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const scim = await ask<{ url: string; token: string }>(child);
  const target = targetSchema.parse({ name: 'app', kind: 'scim', url: scim.url, token: scim.token, concurrency, rateLimit: { max: 100000, durationMs: 1000 }, thresholds: { maxRemovals: 1e6, maxRemovalPercent: 100 } });
  const connector = openTarget(target as typeof target & { [k: string]: unknown });
  const dir = mkdtempSync(join(tmpdir(), 'idsync-bench-'));
  const store = new SqliteStore(join(dir, 'idsync.db'));
  const planner = createIntentPlanner([target]);
  let applied = 0;
  const service = new ProvisioningService({ store, transport: bullTransport(redis, prefix, silentLogger), targets: [target], connectors: new Map([['app', connector]]), onApplied: (o) => void (o.plan.action !== 'none' && applied++) });
  await service.start();
  const results: { phase: string; changes: number; seconds: number; requests: number }[] = [];
  const requestsSoFar = async (): Promise<number> => (await ask<{ requests: number }>(child, 'effects')).requests;
  try {
    let people: Identity[] = [];
    const phase = async (name: string, next: (p: Identity) => Identity): Promise<void> => {
      const before = applied;
      const requestsBefore = await requestsSoFar();
      const nexts = people.length ? people.map(next) : Array.from({ length: n }, (_, i) => person(i));
      const now = new Date().toISOString();
      const started = process.hrtime.bigint();
      const intents = nexts.flatMap((x, i) => planner.intentsFor(people[i] ?? null, x, randomUUID(), now));
      const res = await store.commit({ identities: nexts.map((x, i) => ({ identity: x, expectedRevision: people[i]?.revision ?? null })), intents });
      people = nexts.map((x) => ({ ...x, revision: res.revisions[x.id] }));
      while (applied - before < n) await new Promise((r) => setTimeout(r, 5));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      results.push({ phase: name, changes: applied - before, seconds, requests: (await requestsSoFar()) - requestsBefore });
    };
    await phase('create', (p) => p);
    await phase('update', (p) => ({ ...p, attributes: { ...p.attributes, title: 'Senior Engineer' } }));
    await phase('disable', (p) => ({ ...p, state: 'terminated', entitlements: [] }));
    const plain = await plainClientCapacity(scim, n, concurrency);
    console.log(`provisioning benchmark: ${n} people, SCIM (scimmy) target, concurrency ${concurrency}, real Redis`);
    console.log('plain client = the same SCIM requests per change (search+POST, GET+PATCH, GET+PATCH) sent with fetch, same concurrency, same server');
    for (const r of results) {
      const rate = r.changes / r.seconds;
      const ref = plain[r.phase];
      console.log(
        `${r.phase.padEnd(8)} ${String(r.changes).padStart(6)} changes in ${r.seconds.toFixed(2)} s = ${rate.toFixed(0)} changes/s, ` +
          `${(r.requests / r.changes).toFixed(2)} requests/change | plain client ${ref.toFixed(0)} changes/s | idsync/plain ${(rate / ref).toFixed(2)}`,
      );
    }
    console.log(`SCIM requests answered: ${await requestsSoFar()}`);
  } finally {
    await service.close();
    await connector.close?.();
    child.kill('SIGTERM');
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    await deletePrefix(redis, prefix);
    redis.disconnect();
  }
}

/**
 * The SCIM server's own capacity for the requests idsync sends per change, with no engine in
 * between: create = search by userName + POST, update = GET by id + PATCH, disable = GET by id +
 * PATCH active=false. Runs on fresh users after idsync's phases, against the same server process.
 */
async function plainClientCapacity(scim: { url: string; token: string }, n: number, concurrency: number): Promise<Record<string, number>> {
  const headers = { authorization: `Bearer ${scim.token}`, 'content-type': 'application/scim+json', accept: 'application/scim+json' };
  const send = async (method: string, path: string, body?: unknown): Promise<{ id: string } | null> => {
    const res = await fetch(scim.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`plain client: ${method} ${path} answered ${res.status}`);
    return res.status === 204 ? null : ((await res.json()) as { id: string });
  };
  const ids: string[] = new Array(n);
  const patch = (value: Record<string, unknown>) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', ...value }] });
  const kinds: Record<string, (i: number) => Promise<void>> = {
    create: async (i) => {
      await send('GET', `/Users?filter=${encodeURIComponent(`userName eq "plain${i}"`)}`);
      const created = await send('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `plain${i}`, externalId: randomUUID(), active: true, name: { givenName: `Given${i}`, familyName: `Plain${i}` }, displayName: `Given${i} Plain${i}`, emails: [{ value: `plain${i}@example.com`, type: 'work', primary: true }], title: 'Engineer' });
      ids[i] = created!.id;
    },
    update: async (i) => {
      const user = await send('GET', `/Users/${ids[i]}`);
      await send('PATCH', `/Users/${user!.id}`, patch({ path: 'title', value: 'Senior Engineer' }));
    },
    disable: async (i) => {
      const user = await send('GET', `/Users/${ids[i]}`);
      await send('PATCH', `/Users/${user!.id}`, patch({ path: 'active', value: false }));
    },
  };
  const rates: Record<string, number> = {};
  for (const [kind, change] of Object.entries(kinds)) {
    let next = 0;
    const started = process.hrtime.bigint();
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < n) await change(next++);
    }));
    rates[kind] = n / (Number(process.hrtime.bigint() - started) / 1e9);
  }
  return rates;
}

(process.argv.includes('--serve-scim') ? serveScim() : main()).catch((err) => {
  console.error(`benchmark failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
