// Shared by the provisioning integration tests: a private Redis key prefix (deleted at the end,
// never anything else), a memory store, fake targets and helpers to commit people with intents.
import Redis from 'ioredis';
import { randomBytes, randomUUID } from 'node:crypto';
import { targetSchema, type TargetConfig } from '../../src/config/sections/targets';
import { createIntentPlanner } from '../../src/domain/provisioning';
import type { Identity, LifecycleState } from '../../src/domain/types';
import type { IdentityStore } from '../../src/ports/identity-store';
import { MemoryStore } from '../../src/storage/memory/memory-store';
import { FakeTarget } from '../../src/connectors/targets/fake/fake-target';
import { ProvisioningService, type ProvisioningOptions } from '../../src/services/provisioning/service';
import { deletePrefix } from '../../src/redis/keys';
import { bullTransport } from '../../src/queue/transport';
import type { BullChangeQueue } from '../../src/queue/bullmq-queue';
import { nodeCron } from '../../src/cron/node-cron';
import { silentLogger } from '../../src/ports/logger';

/** The test-prefix cleanup, re-exported for the provisioning tests that import it from here. */
export { deletePrefix };

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function testPrefix(): string {
  return `idsync-test-${randomBytes(6).toString('hex')}`;
}

export function redisClient(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: null });
}

export function target(name: string, over: Record<string, unknown> = {}): TargetConfig {
  return targetSchema.parse({
    name,
    kind: 'fake',
    concurrency: 4,
    rateLimit: { max: 1000, durationMs: 1000 },
    retries: { attempts: 4, backoffMs: 50, maxBackoffMs: 200 },
    ...over,
  });
}

let n = 0;
export function newIdentity(attrs: Record<string, string | null> = {}, state: LifecycleState = 'active'): Identity {
  n++;
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    revision: 0,
    username: `u${n}-${randomBytes(3).toString('hex')}`,
    uidNumber: 10000 + n,
    employeeId: `E${n}-${randomBytes(3).toString('hex')}`,
    state,
    stateChangedAt: now,
    attributes: { givenName: 'Ada', sn: `Person${n}`, mail: null, department: 'Engineering', title: 'Engineer', ...attrs },
    provenance: {},
    links: [],
    entitlements: [],
    createdAt: now,
    updatedAt: now,
  };
}

/** Grants every target an account with no groups (what a target without assignment rules gets). */
export function entitle(identity: Identity, targets: TargetConfig[]): Identity {
  if (identity.state !== 'active') return { ...identity, entitlements: [] };
  return { ...identity, entitlements: targets.map((t) => ({ kind: 'account' as const, name: t.name, values: [], rule: 'builtin:all-active' })) };
}

/** Commits a change of one person with the planner's intents, the way SyncService does. */
export async function commitPerson(store: IdentityStore, targets: TargetConfig[], before: Identity | null, after: Identity, correlationId: string = randomUUID()): Promise<Identity> {
  const next = entitle({ ...after, updatedAt: new Date().toISOString() }, targets);
  const intents = createIntentPlanner(targets).intentsFor(before, next, correlationId, new Date().toISOString());
  const res = await store.commit({ identities: [{ identity: next, expectedRevision: before ? before.revision : null }], intents });
  return { ...next, revision: res.revisions[next.id] };
}

export async function commitPeople(store: IdentityStore, targets: TargetConfig[], changes: { before: Identity | null; after: Identity }[]): Promise<Identity[]> {
  const planner = createIntentPlanner(targets);
  const now = new Date().toISOString();
  const nexts = changes.map((c) => entitle({ ...c.after, updatedAt: now }, targets));
  const intents = changes.flatMap((c, i) => planner.intentsFor(c.before, nexts[i], randomUUID(), now));
  const res = await store.commit({ identities: nexts.map((x, i) => ({ identity: x, expectedRevision: changes[i].before?.revision ?? null })), intents });
  return nexts.map((x) => ({ ...x, revision: res.revisions[x.id] }));
}

export async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface World {
  prefix: string;
  redis: Redis;
  store: MemoryStore;
  targets: TargetConfig[];
  fakes: Map<string, FakeTarget>;
  service: ProvisioningService<BullChangeQueue>;
  close(): Promise<void>;
}

export async function startWorld(targets: TargetConfig[], opts: Partial<ProvisioningOptions<BullChangeQueue>> = {}): Promise<World> {
  const prefix = testPrefix();
  const redis = redisClient();
  const store = new MemoryStore();
  const fakes = new Map(targets.map((t) => [t.name, new FakeTarget(t.name)]));
  const service = new ProvisioningService({
    store,
    transport: bullTransport(redis, prefix, silentLogger),
    cron: nodeCron,
    targets,
    connectors: fakes,
    sweepIntervalMs: 500,
    staleAfterMs: 1000,
    ...opts,
  });
  await service.start();
  return {
    prefix,
    redis,
    store,
    targets,
    fakes,
    service,
    async close() {
      await service.close();
      await deletePrefix(redis, prefix);
      for (const f of fakes.values()) await f.close();
      await store.close();
      redis.disconnect();
    },
  };
}

export async function pendingCount(store: IdentityStore): Promise<number> {
  return (await store.listIntents({ status: ['pending'] })).length;
}
