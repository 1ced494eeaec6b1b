// Pushed changes of one source that arrive while a run of it is under way are applied together in
// the next run: an engine on SQLite and the running Redis (its source lock), pushes as inbound SCIM
// sends them. Each caller resolves only once its own change is stored, with its own correlation id
// and its own report; two changes of one person keep their order; a failed batch rejects all of it.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { loadConfig } from '../../src/config/loader';
import { buildEngine, type Engine } from '../../src/app/engine';
import { openStore } from '../../src/storage';
import type { IdentityStore } from '../../src/ports/identity-store';
import type { RawRecord } from '../../src/ports/source-connector';
import { silentLogger } from '../../src/ports/logger';
import { deletePrefix } from '../../src/redis/keys';

const SOURCE = 'entra';
let redis: Redis;
let prefix: string;
let store: IdentityStore;
let engine: Engine;
/** externalIds whose commit the store refuses, as a store that lost its disk would */
const poisoned = new Set<string>();

function record(id: string, title: string, status = 'active'): RawRecord {
  const n = id.replace(/\D/g, '');
  return {
    externalId: id,
    location: `SCIM User ${id}`,
    attributes: { userName: `${id}@example.com`, givenName: `Given${n}`, sn: `Person${n}`, mail: `${id}@example.com`, employeeId: `E${n}`, title, status },
  };
}

const push = (rec: RawRecord, correlationId = randomUUID()) =>
  engine.applyPushed(SOURCE, { records: [rec], removed: [] }, { actor: { kind: 'source-run', id: correlationId, source: SOURCE }, correlationId });

async function runCount(): Promise<number> {
  return (await store.listRuns({ source: SOURCE })).length;
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'idsync-push-batch-'));
  prefix = `idsync-test-push-batch-${randomUUID()}`;
  const file = join(dir, 'idsync.yaml');
  writeFileSync(file, [
    `store: { kind: sqlite, path: ${join(dir, 'idsync.db')} }`,
    `redis: { url: redis://127.0.0.1:6379, prefix: ${prefix} }`,
    'sources:',
    `  - { name: ${SOURCE}, kind: scim, token: entra-token-0123456789 }`,
    'targets:',
    '  - { name: app, kind: fake }',
    // the engine is driven directly; the listener is not started
    'inbound: { listen: tcp://127.0.0.1:0 }',
  ].join('\n'));
  const loaded = loadConfig(file, { baseDir: dir });
  const real = await openStore(loaded.config.store, { baseDir: dir });
  store = new Proxy(real, {
    get(target, key, receiver) {
      if (key !== 'commit') return Reflect.get(target, key, receiver);
      return (changes: Parameters<IdentityStore['commit']>[0]) => {
        if (changes.sourceRecords?.some((r) => poisoned.has(r.externalId))) return Promise.reject(new Error('disk I/O error'));
        return target.commit(changes);
      };
    },
  });
  redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: false, maxRetriesPerRequest: 2 });
  engine = buildEngine({ loaded, store, log: silentLogger }, { redis });
});

afterAll(async () => {
  await engine?.close();
  await store?.close();
  if (redis) {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  }
});

test('20 concurrent pushes take fewer runs than pushes; each resolves after its own change is stored, under its own correlation id', async () => {
  const before = await runCount();
  const ids = Array.from({ length: 20 }, (_, i) => `u${1000 + i}`);
  const correlation = new Map(ids.map((id) => [id, randomUUID()]));
  const storedAtResolve = new Map<string, string | undefined>();
  const reports = await Promise.all(ids.map((id) =>
    push(record(id, 'Engineer'), correlation.get(id)).then(async (report) => {
      storedAtResolve.set(id, (await store.getSourceRecord(SOURCE, id))?.attributes.title as string | undefined);
      return report;
    }),
  ));
  const runs = (await runCount()) - before;
  expect(runs).toBeGreaterThan(0);
  expect(runs).toBeLessThan(20);
  for (const id of ids) expect(storedAtResolve.get(id)).toBe('Engineer');
  reports.forEach((report, i) => {
    // each caller hears of its own person only
    expect(report.changes.map((c) => [c.externalId, c.action])).toEqual([[ids[i], 'identity.create']]);
  });
  for (const id of ids) {
    const rec = await store.getSourceRecord(SOURCE, id);
    expect(rec?.identityId).toBeTruthy();
    const audit = await store.auditOfSubject(rec!.identityId!);
    const created = audit.find((a) => a.action === 'identity.create');
    expect(created?.correlationId).toBe(correlation.get(id));
  }
});

test('two pushes of one person go into different runs in the order they came: the later state stays', async () => {
  const before = await runCount();
  const others = Array.from({ length: 6 }, (_, i) => push(record(`u${2000 + i}`, 'Engineer')));
  const first = push(record('u2100', 'Engineer'));
  const more = Array.from({ length: 6 }, (_, i) => push(record(`u${2010 + i}`, 'Engineer')));
  const second = push(record('u2100', 'Manager', 'terminated'));
  await Promise.all([...others, first, ...more, second]);
  const rec = await store.getSourceRecord(SOURCE, 'u2100');
  expect(rec?.attributes.title).toBe('Manager');
  expect(rec?.attributes.status).toBe('terminated');
  const identity = await store.getIdentity({ by: 'id', value: rec!.identityId! });
  expect(identity?.state).toBe('terminated');
  // 14 pushes: the first alone, then the queued ones up to the second change of u2100, then the rest
  expect((await runCount()) - before).toBe(3);
});

test('a failure of a batched run rejects every caller in it and stores none of its changes', async () => {
  poisoned.add('u3005');
  try {
    const alone = push(record('u3000', 'Engineer'));
    const batch = ['u3001', 'u3002', 'u3003', 'u3004', 'u3005'].map((id) => push(record(id, 'Engineer')));
    await expect(alone).resolves.toMatchObject({ status: 'applied' });
    const settled = await Promise.allSettled(batch);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
    for (const s of settled) expect(String((s as PromiseRejectedResult).reason)).toMatch(/not committed: disk I\/O error/);
    for (const id of ['u3001', 'u3002', 'u3003', 'u3004', 'u3005']) expect(await store.getSourceRecord(SOURCE, id)).toBeNull();
  } finally {
    poisoned.clear();
  }
  // the source keeps taking pushes after a failed batch
  await expect(push(record('u3001', 'Engineer'))).resolves.toMatchObject({ status: 'applied' });
});

test('a bad record is reported to its own caller only', async () => {
  const good = push(record('u4000', 'Engineer'));
  const queuedGood = push(record('u4001', 'Engineer'));
  const bad = engine.applyPushed(SOURCE, { records: [{ externalId: 'u4002', location: 'SCIM User u4002', attributes: { ...record('u4002', 'Engineer').attributes, status: 'on-sabbatical' } }], removed: [] }, { actor: { kind: 'source-run', id: 'c', source: SOURCE }, correlationId: 'c' });
  const [g, q, b] = await Promise.all([good, queuedGood, bad]);
  expect(g.problems).toEqual([]);
  expect(q.problems).toEqual([]);
  expect(b.problems.length).toBeGreaterThan(0);
  expect(b.problems.every((p) => p.location === 'SCIM User u4002')).toBe(true);
});
