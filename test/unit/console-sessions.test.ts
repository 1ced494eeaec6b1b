import { ManualClock } from '../../src/ports/clock';
import { SessionStore, sameToken } from '../../src/console/core/sessions';
import { rolesOf } from '../../src/console/core/roles';
import { readCookie, setCookie } from '../../src/console/core/cookies';
import { safeNext } from '../../src/console/core/sign-in';
import type { ConsolePerson } from '../../src/console/core/deps';

const who = { identityId: 'id-1', username: 'ann', displayName: 'Ann', roles: ['helpdesk' as const] };
const MIN = 60_000;

describe('console sessions', () => {
  it('gives each session a 32-byte random id and its own CSRF token', () => {
    const store = new SessionStore(new ManualClock(), { idleMs: 15 * MIN, lifetimeMs: 12 * 60 * MIN });
    const a = store.create(who);
    const b = store.create(who);
    expect(Buffer.from(a.id, 'base64url')).toHaveLength(32);
    expect(new Set([a.id, b.id, a.csrf, b.csrf]).size).toBe(4);
    expect(store.lookup(a.id)).toEqual({ session: a });
    expect(store.lookup('not-a-session')).toBeNull();
    expect(store.lookup(undefined)).toBeNull();
  });

  it('ends a session after the idle timeout, counted from its last request', () => {
    const clock = new ManualClock();
    const store = new SessionStore(clock, { idleMs: 15 * MIN, lifetimeMs: 12 * 60 * MIN });
    const s = store.create(who);
    clock.advance(14 * MIN);
    expect(store.lookup(s.id)?.ended).toBeUndefined();
    clock.advance(14 * MIN);
    expect(store.lookup(s.id)?.ended).toBeUndefined();
    clock.advance(15 * MIN);
    expect(store.lookup(s.id)).toMatchObject({ ended: 'idle' });
    expect(store.lookup(s.id)).toBeNull();
  });

  it('ends a busy session at its absolute lifetime', () => {
    const clock = new ManualClock();
    const store = new SessionStore(clock, { idleMs: 15 * MIN, lifetimeMs: 60 * MIN });
    const s = store.create(who);
    for (let i = 0; i < 5; i++) {
      clock.advance(10 * MIN);
      expect(store.lookup(s.id)?.ended).toBeUndefined();
    }
    clock.advance(10 * MIN);
    expect(store.lookup(s.id)).toMatchObject({ ended: 'lifetime' });
  });

  it('compares tokens in full', () => {
    expect(sameToken('abc', 'abc')).toBe(true);
    expect(sameToken('abd', 'abc')).toBe(false);
    expect(sameToken('ab', 'abc')).toBe(false);
    expect(sameToken(undefined, 'abc')).toBe(false);
    expect(sameToken(['abc'], 'abc')).toBe(false);
  });
});

describe('console roles', () => {
  const person = (groups: string[], managesActivePeople = false): ConsolePerson => ({ identityId: 'x', username: 'x', displayName: 'X', state: 'active', dn: 'uid=x', groups, managesActivePeople });
  const roles = { helpdesk: ['Helpdesk'], operator: ['idsync-operators'], reviewer: 'managers' as const };

  it('gives operators the helpdesk role too, and reviewers by being a manager', () => {
    expect(rolesOf(person(['helpdesk']), roles)).toEqual(['helpdesk']);
    expect(rolesOf(person(['idsync-operators']), roles)).toEqual(['helpdesk', 'operator']);
    expect(rolesOf(person([], true), roles)).toEqual(['reviewer']);
    expect(rolesOf(person(['staff']), roles)).toEqual([]);
    expect(rolesOf(person(['auditors']), { ...roles, reviewer: ['auditors'] })).toEqual(['reviewer']);
  });
});

describe('console cookies and redirects', () => {
  it('writes HttpOnly, SameSite=Strict, Path=/ cookies, Secure only over TLS', () => {
    expect(setCookie('idsync_session', 'v', { secure: false })).toBe('idsync_session=v; Path=/; HttpOnly; SameSite=Strict');
    expect(setCookie('idsync_session', '', { secure: true, maxAge: 0 })).toBe('idsync_session=; Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age=0');
    expect(readCookie('a=1; idsync_session=xyz; b=2', 'idsync_session')).toBe('xyz');
    expect(readCookie('idsync_session_other=1', 'idsync_session')).toBeUndefined();
  });

  it('sends people back only to a path of the console after sign-in', () => {
    expect(safeNext('/people/ann?tab=audit')).toBe('/people/ann?tab=audit');
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '', undefined, '/x\r\nSet-Cookie: a=b']) expect(safeNext(bad)).toBe('/');
  });
});
