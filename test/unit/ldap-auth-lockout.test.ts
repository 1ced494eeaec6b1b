import { ManualClock } from '../../src/ports/clock';
import { LockoutTracker, type LockScope } from '../../src/ldap/auth/lockout';
import { MemoryFailureCounter } from '../../src/ldap/auth/memory-failure-counter';
import { normalizeDN } from '../../src/ldap/auth/dn';
import { escapeDnValue } from '../../src/ldap/auth/delegate';
import { canonicalAddress, cidrLookup, cidrMatcher, parseCidr } from '../../src/util/cidr';
import { connectionCapFor } from '../../src/ldap/server/address-limits';

const policy = { maxFailures: 10, lockMinutes: 30, maxFailuresPerAddressPerMinute: 5 };
const dnA: LockScope = { kind: 'dn', ndn: 'uid=a' };

describe('LockoutTracker', () => {
  it('locks a DN at the 10th failure for 30 minutes, then starts counting afresh', async () => {
    const clock = new ManualClock();
    const t = new LockoutTracker({ ...policy, maxFailuresPerAddressPerMinute: 1000 }, new MemoryFailureCounter(clock));
    for (let i = 0; i < 9; i++) await t.recordFailure(dnA, '10.0.0.1');
    expect(await t.isLocked(dnA)).toBe(false);
    await t.recordFailure(dnA, '10.0.0.1');
    expect(await t.isLocked(dnA)).toBe(true);
    clock.advance(30 * 60_000 - 1);
    expect(await t.isLocked(dnA)).toBe(true);
    clock.advance(1);
    expect(await t.isLocked(dnA)).toBe(false);
    await t.recordFailure(dnA, '10.0.0.1');
    expect(await t.isLocked(dnA)).toBe(false);
  });

  it('a success clears the failure count', async () => {
    const t = new LockoutTracker({ ...policy, maxFailuresPerAddressPerMinute: 1000 }, new MemoryFailureCounter(new ManualClock()));
    for (let i = 0; i < 9; i++) await t.recordFailure(dnA, 'x');
    await t.recordSuccess(dnA);
    await t.recordFailure(dnA, 'x');
    expect(await t.isLocked(dnA)).toBe(false);
  });

  it('throttles an address spraying many DNs for the rest of the minute', async () => {
    const clock = new ManualClock();
    const t = new LockoutTracker(policy, new MemoryFailureCounter(clock));
    for (let i = 0; i < 5; i++) await t.recordFailure({ kind: 'dn', ndn: `uid=u${i}` }, '10.0.0.9');
    expect(await t.isThrottled('10.0.0.9')).toBe(true);
    expect(await t.isThrottled('10.0.0.8')).toBe(false);
    expect(await t.isLocked({ kind: 'dn', ndn: 'uid=u0' })).toBe(false);
    clock.advance(60_000);
    expect(await t.isThrottled('10.0.0.9')).toBe(false);
  });

  it('counts a service account per client address: a stranger locks only himself', async () => {
    const t = new LockoutTracker({ ...policy, maxFailuresPerAddressPerMinute: 1000 }, new MemoryFailureCounter(new ManualClock()));
    const fromStranger: LockScope = { kind: 'dn-address', ndn: 'cn=app', address: '198.51.100.7' };
    for (let i = 0; i < 10; i++) await t.recordFailure(fromStranger, '198.51.100.7');
    expect(await t.isLocked(fromStranger)).toBe(true);
    expect(await t.isLocked({ kind: 'dn-address', ndn: 'cn=app', address: '10.0.0.5' })).toBe(false);
    expect(await t.isLocked({ kind: 'dn', ndn: 'cn=app' })).toBe(false);
    await t.recordFailure({ kind: 'none' }, '198.51.100.7');
    expect(await t.isLocked({ kind: 'none' })).toBe(false);
  });

  it('treats a failing counter as unlocked and reports the error', async () => {
    const errors: string[] = [];
    const broken = { increment: async () => Promise.reject(new Error('redis down')), count: async () => Promise.reject(new Error('redis down')), reset: async () => undefined };
    const t = new LockoutTracker(policy, broken, (e) => errors.push(e.message));
    await t.recordFailure(dnA, 'x');
    expect(await t.isLocked(dnA)).toBe(false);
    expect(await t.isThrottled('x')).toBe(false);
    expect(errors).toEqual(['redis down', 'redis down', 'redis down', 'redis down']);
  });
});

it('does not wait for a counter that never answers', async () => {
  const errors: string[] = [];
  const hanging = { increment: () => new Promise<number>(() => undefined), count: () => new Promise<number>(() => undefined), reset: async () => undefined };
  const t = new LockoutTracker(policy, hanging, (e) => errors.push(e.message), 50);
  const started = Date.now();
  expect(await t.isLocked(dnA)).toBe(false);
  await t.recordFailure(dnA, 'x');
  expect(Date.now() - started).toBeLessThan(1000);
  expect(errors).toEqual(Array(3).fill('failure counter did not answer within 50 ms'));
});

describe('client addresses and CIDRs', () => {
  it('matches IPv4 and IPv6 ranges, IPv4-mapped IPv6 clients as IPv4', () => {
    const allows = cidrMatcher(['10.0.0.0/8', '192.168.1.5', '2001:db8::/32']);
    expect(allows('10.20.30.40')).toBe(true);
    expect(allows('::ffff:10.20.30.40')).toBe(true);
    expect(allows('::FFFF:192.168.1.5')).toBe(true);
    expect(allows('192.168.1.6')).toBe(false);
    expect(allows('2001:db8:1::9')).toBe(true);
    expect(allows('2001:db9::1')).toBe(false);
    expect(allows('unknown')).toBe(false);
    expect(canonicalAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(canonicalAddress('::1')).toBe('::1');
  });

  it('rejects what is not an address or range', () => {
    for (const bad of ['10.0.0.0/33', '10.0.0/8', 'example.com', '10.0.0.0/8/1', '::/129', '10.0.0.0/x']) expect(parseCidr(bad)).toBeNull();
    expect(parseCidr('::ffff:10.0.0.0/8')).toBeNull();
    expect(parseCidr('::ffff:10.0.0.0/104')).toEqual({ network: '10.0.0.0', prefix: 8, family: 'ipv4' });
  });

  it('looks up the most specific range whatever the order, IPv4 ranges written as IPv6 included', () => {
    const lookup = cidrLookup([
      { cidr: '127.0.0.0/8', value: 'wide' },
      { cidr: '::ffff:127.0.0.1/128', value: 'host' },
    ]);
    expect(lookup('127.0.0.1')).toBe('host');
    expect(lookup('::ffff:127.0.0.2')).toBe('wide');
    expect(lookup('10.0.0.1')).toBeUndefined();
    const capFor = connectionCapFor(2, [{ cidr: '::ffff:127.0.0.0/104', max: 7 }, { cidr: '127.0.0.9', max: 0 }]);
    expect([capFor('127.0.0.1'), capFor('127.0.0.9'), capFor('10.0.0.1')]).toEqual([7, Infinity, 2]);
    expect(() => connectionCapFor(2, [{ cidr: '10.0.0.0/33', max: 1 }])).toThrow(/maxConnectionsPerAddressOverrides: "10.0.0.0\/33" is not an IP address or CIDR range/);
  });
});

describe('DN helpers', () => {
  it('normalises case and spaces around separators', () => {
    expect(normalizeDN(' UID=Bob , OU=People,DC=Example, DC=com ')).toBe('uid=bob,ou=people,dc=example,dc=com');
  });
  it('escapes DN specials for the delegate bind template', () => {
    expect(escapeDnValue('a,b+c=d')).toBe('a\\,b\\+c\\=d');
    expect(escapeDnValue(' lead')).toBe('\\ lead');
  });
});
