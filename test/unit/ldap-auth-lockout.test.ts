import { ManualClock } from '../../src/ports/clock';
import { LockoutTracker } from '../../src/ldap/auth/lockout';
import { normalizeDN } from '../../src/ldap/auth/dn';
import { escapeDnValue } from '../../src/ldap/auth/delegate';

const policy = { maxFailures: 10, lockMinutes: 30, maxFailuresPerAddressPerMinute: 5 };

describe('LockoutTracker', () => {
  it('locks a DN at the 10th failure for 30 minutes, then starts counting afresh', () => {
    const clock = new ManualClock();
    const t = new LockoutTracker({ ...policy, maxFailuresPerAddressPerMinute: 1000 }, clock);
    for (let i = 0; i < 9; i++) t.recordFailure('uid=a', '10.0.0.1');
    expect(t.isLocked('uid=a')).toBe(false);
    t.recordFailure('uid=a', '10.0.0.1');
    expect(t.isLocked('uid=a')).toBe(true);
    clock.advance(30 * 60_000 - 1);
    expect(t.isLocked('uid=a')).toBe(true);
    clock.advance(1);
    expect(t.isLocked('uid=a')).toBe(false);
    t.recordFailure('uid=a', '10.0.0.1');
    expect(t.isLocked('uid=a')).toBe(false);
  });

  it('a success clears the failure count', () => {
    const t = new LockoutTracker({ ...policy, maxFailuresPerAddressPerMinute: 1000 }, new ManualClock());
    for (let i = 0; i < 9; i++) t.recordFailure('uid=a', 'x');
    t.recordSuccess('uid=a');
    t.recordFailure('uid=a', 'x');
    expect(t.isLocked('uid=a')).toBe(false);
  });

  it('throttles an address spraying many DNs for the rest of the minute', () => {
    const clock = new ManualClock();
    const t = new LockoutTracker(policy, clock);
    for (let i = 0; i < 5; i++) t.recordFailure(`uid=u${i}`, '10.0.0.9');
    expect(t.isThrottled('10.0.0.9')).toBe(true);
    expect(t.isThrottled('10.0.0.8')).toBe(false);
    expect(t.isLocked('uid=u0')).toBe(false);
    clock.advance(60_000);
    expect(t.isThrottled('10.0.0.9')).toBe(false);
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
