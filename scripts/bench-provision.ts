// Provisioning benchmark (issue 4): changes applied per second against a local SCIM service provider
// (scimmy + express), through the whole engine: outbox intents -> BullMQ (real Redis) -> workers ->
// SCIM connector. Measures creates, then updates (a title change for everyone), then disables.
//
//   npm run bench:provision -- --people 2000 --concurrency 16
import { randomBytes, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { targetSchema } from '../src/config/sections/targets';
import { openTarget } from '../src/connectors/targets';
import { createIntentPlanner } from '../src/domain/provisioning';
import type { Identity } from '../src/domain/types';
import { ProvisioningService } from '../src/services/provisioning/service';
import { MemoryStore } from '../src/storage/memory/memory-store';
import { startScimServer } from '../test/fakes/scim-server';

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
  const scim = await startScimServer({ caseInsensitiveFilter: true });
  const target = targetSchema.parse({ name: 'app', kind: 'scim', url: scim.url, token: scim.token, concurrency, rateLimit: { max: 100000, durationMs: 1000 }, thresholds: { maxRemovals: 1e6, maxRemovalPercent: 100 } });
  const connector = openTarget(target as typeof target & { [k: string]: unknown });
  const store = new MemoryStore();
  const planner = createIntentPlanner([target]);
  let applied = 0;
  const service = new ProvisioningService({ store, redis, prefix, targets: [target], connectors: new Map([['app', connector]]), onApplied: (o) => void (o.plan.action !== 'none' && applied++) });
  await service.start();
  const results: { phase: string; changes: number; seconds: number }[] = [];
  try {
    let people: Identity[] = [];
    const phase = async (name: string, next: (p: Identity) => Identity): Promise<void> => {
      const before = applied;
      const nexts = people.length ? people.map(next) : Array.from({ length: n }, (_, i) => person(i));
      const now = new Date().toISOString();
      const started = process.hrtime.bigint();
      const intents = nexts.flatMap((x, i) => planner.intentsFor(people[i] ?? null, x, randomUUID(), now));
      const res = await store.commit({ identities: nexts.map((x, i) => ({ identity: x, expectedRevision: people[i]?.revision ?? null })), intents });
      people = nexts.map((x) => ({ ...x, revision: res.revisions[x.id] }));
      while (applied - before < n) await new Promise((r) => setTimeout(r, 5));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      results.push({ phase: name, changes: applied - before, seconds });
    };
    await phase('create', (p) => p);
    await phase('update', (p) => ({ ...p, attributes: { ...p.attributes, title: 'Senior Engineer' } }));
    await phase('disable', (p) => ({ ...p, state: 'terminated', entitlements: [] }));
    console.log(`provisioning benchmark: ${n} people, SCIM (scimmy) target, concurrency ${concurrency}, real Redis`);
    for (const r of results) console.log(`${r.phase.padEnd(8)} ${String(r.changes).padStart(6)} changes in ${r.seconds.toFixed(2)} s = ${(r.changes / r.seconds).toFixed(0)} changes/s`);
    console.log(`SCIM requests answered: ${scim.effects.requests}`);
  } finally {
    await service.close();
    await connector.close?.();
    await scim.close();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
  }
}

main().catch((err) => {
  console.error(`benchmark failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
