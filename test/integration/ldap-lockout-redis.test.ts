// Lockouts in the real Redis under a random prefix: the FailureCounter contract for both adapters,
// and a frontend that is closed and started again (or a second instance) still refusing a locked DN,
// until the TTL runs out.
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ManualClock } from '../../src/ports/clock';
import type { FailureCounter } from '../../src/ports/failure-counter';
import { MemoryFailureCounter } from '../../src/ldap/auth/memory-failure-counter';
import { RedisFailureCounter } from '../../src/redis/failure-counter';
import { deletePrefix } from '../../src/redis/keys';
import { MemoryCredentialStore } from '../../src/storage/memory/credential-store';
import { person } from '../fixtures/ldap/people';
import { APP_DN, APP_PW, BASE, startTestServer } from '../fixtures/ldap/server-fixture';
import { bindCode, setPassword } from '../helpers/ldap-bind';

const prefix = `idsync-test-${randomUUID()}`;
const redis = new Redis({ lazyConnect: false });
/** one connection per started frontend, as separate daemons would have */
const frontendConnections: Redis[] = [];
afterAll(async () => {
  await deletePrefix(redis, prefix);
  redis.disconnect();
  for (const c of frontendConnections) c.disconnect();
});

interface CounterHarness {
  counter: FailureCounter;
}

const harnesses: [string, () => CounterHarness][] = [
  [
    'memory',
    () => {
      const clock = new ManualClock();
      return { counter: new MemoryFailureCounter(clock) };
    },
  ],
  ['redis', () => ({ counter: new RedisFailureCounter(redis, `${prefix}:${randomUUID()}`) })],
];

describe.each(harnesses)('%s FailureCounter', (_name, make) => {
  it('counts concurrent increments without losing one', async () => {
    const { counter } = make();
    const results = await Promise.all(Array.from({ length: 200 }, () => counter.increment('k', 60_000, 'fixed')));
    expect(new Set(results).size).toBe(200);
    expect(await counter.count('k')).toBe(200);
    expect(await counter.count('other')).toBe(0);
  });

  it('reset forgets a key', async () => {
    const { counter } = make();
    await counter.increment('k', 60_000, 'sliding');
    await counter.reset('k');
    expect(await counter.count('k')).toBe(0);
  });
});

// Windows, with each adapter's own notion of time: the memory counter on a clock the test moves
// exactly; Redis on wall time, where a loaded machine can stretch any sleep, so the test reads the
// TTL Redis holds instead of guessing whether a deadline has passed.
describe('FailureCounter windows', () => {
  it('memory: a fixed window runs from its first failure, a sliding one from its latest', async () => {
    const clock = new ManualClock();
    const counter = new MemoryFailureCounter(clock);
    await counter.increment('fixed', 1000, 'fixed');
    await counter.increment('sliding', 1000, 'sliding');
    clock.advance(600);
    await counter.increment('fixed', 1000, 'fixed');
    await counter.increment('sliding', 1000, 'sliding');
    clock.advance(600);
    expect(await counter.count('fixed')).toBe(0);
    expect(await counter.count('sliding')).toBe(2);
    clock.advance(700);
    expect(await counter.count('sliding')).toBe(0);
  });

  it('redis: a fixed window keeps the TTL of its first failure, a sliding one restarts it', async () => {
    const counter = new RedisFailureCounter(redis, `${prefix}:${randomUUID()}`);
    const ttlMs = 60_000;
    await counter.increment('fixed', ttlMs, 'fixed');
    await counter.increment('sliding', ttlMs, 'sliding');
    await sleep(500); // at least 500 ms, however loaded the machine is
    await counter.increment('fixed', ttlMs, 'fixed');
    await counter.increment('sliding', ttlMs, 'sliding');
    const fixedLeft = await redis.pttl(counter.keyOf('fixed'));
    const slidingLeft = await redis.pttl(counter.keyOf('sliding'));
    expect(fixedLeft).toBeLessThanOrEqual(ttlMs - 500);
    expect(slidingLeft).toBeGreaterThan(fixedLeft + 400);
    expect(await counter.count('fixed')).toBe(2);
    expect(await counter.count('sliding')).toBe(2);
  });

  it('redis: a count is gone once its TTL runs out', async () => {
    const counter = new RedisFailureCounter(redis, `${prefix}:${randomUUID()}`);
    expect(await counter.increment('short', 200, 'sliding')).toBe(1);
    const deadline = Date.now() + 10_000;
    while ((await counter.count('short')) !== 0 && Date.now() < deadline) await sleep(50);
    expect(await counter.count('short')).toBe(0);
    expect(await redis.exists(counter.keyOf('short'))).toBe(0);
  });
});

describe('lockouts kept in Redis', () => {
  const DN = `uid=erin,ou=people,${BASE}`;
  const credentials = new MemoryCredentialStore();
  // 6 s lock: short enough to wait for, long enough to outlive a restart on a loaded machine.
  const lockout = { maxFailures: 10, lockMinutes: 0.1, maxFailuresPerAddressPerMinute: 1000 };
  const start = (p: string) => {
    const connection = new Redis();
    frontendConnections.push(connection);
    return startTestServer({ identities: [person('erin', 10007)], credentials, failures: new RedisFailureCounter(connection, p), config: { lockout } });
  };

  beforeAll(async () => setPassword(credentials, 'erin', 'erin-password'));

  it('a DN locked before a restart stays locked after it, and shared by a second instance, until the TTL runs out', async () => {
    const p = `${prefix}:restart`;
    const first = await start(p);
    for (let i = 0; i < 10; i++) expect(await bindCode(first.url, DN, `guess-${i}`)).toBe(49);
    const lockedAt = Date.now();
    await first.close();

    const second = await start(p);
    const other = await start(p);
    try {
      expect(await bindCode(second.url, DN, 'erin-password')).toBe(49);
      expect(second.logs[second.logs.length - 1]).toMatchObject({ bindDN: DN, reason: 'DN locked after repeated failures' });
      expect(await bindCode(other.url, DN, 'erin-password')).toBe(49);
      const ttl = await redis.pttl(`${p}:ldap:failures:dn:${DN}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(6000);
      expect(await redis.pttl(`${p}:ldap:failures:address:127.0.0.1`)).toBeGreaterThan(6000); // the per-address minute
      await sleep(Math.max(0, lockedAt + 6100 - Date.now()));
      expect(await bindCode(second.url, DN, 'erin-password')).toBe(0);
      expect(await redis.exists(`${p}:ldap:failures:dn:${DN}`)).toBe(0); // a success clears the count
    } finally {
      await second.close();
      await other.close();
    }
  }, 30_000);

  it('keeps a service account lock per client address in Redis', async () => {
    const p = `${prefix}:service`;
    const srv = await start(p);
    try {
      for (let i = 0; i < 10; i++) expect(await bindCode(srv.url, APP_DN, `guess-${i}`)).toBe(49);
      expect(await redis.get(`${p}:ldap:failures:dn-address:127.0.0.1|${APP_DN}`)).toBe('10');
      expect(await redis.exists(`${p}:ldap:failures:dn:${APP_DN}`)).toBe(0);
      expect(await bindCode(srv.url, APP_DN, APP_PW)).toBe(49);
    } finally {
      await srv.close();
    }
  });
});
