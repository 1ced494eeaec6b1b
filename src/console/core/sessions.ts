// Console sessions, in this process's memory: a restart signs everyone out, which is the safe
// failure. Ids are 32 random bytes; each session has its own CSRF token. A session ends after
// `idleMs` without a request or `lifetimeMs` after sign-in, whichever comes first.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../ports/clock';
import type { ConsoleRole } from '../contract';

export interface Session {
  id: string;
  csrf: string;
  identityId: string;
  username: string;
  displayName: string;
  roles: ConsoleRole[];
  createdAt: number;
  lastSeenAt: number;
}

export type SessionEnd = 'idle' | 'lifetime';

export type Lookup = { session: Session; ended?: undefined } | { ended: SessionEnd; session: Session } | null;

const PRUNE_GRACE_MS = 3_600_000;

const newToken = (): string => randomBytes(32).toString('base64url');

export class SessionStore {
  private sessions = new Map<string, Session>();

  constructor(
    private clock: Clock,
    private limits: { idleMs: number; lifetimeMs: number },
  ) {}

  create(who: Pick<Session, 'identityId' | 'username' | 'displayName' | 'roles'>): Session {
    const now = this.clock.now().getTime();
    this.prune(now);
    const session: Session = { ...who, roles: [...who.roles], id: newToken(), csrf: newToken(), createdAt: now, lastSeenAt: now };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id, touched; an expired one is removed and says why it ended. */
  lookup(id: string | undefined): Lookup {
    if (!id) return null;
    const s = this.sessions.get(id);
    if (!s) return null;
    const now = this.clock.now().getTime();
    const ended = this.endOf(s, now);
    if (ended) {
      this.sessions.delete(id);
      return { ended, session: s };
    }
    s.lastSeenAt = now;
    return { session: s };
  }

  end(id: string): void {
    this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  private endOf(s: Session, now: number): SessionEnd | null {
    if (now - s.createdAt >= this.limits.lifetimeMs) return 'lifetime';
    if (now - s.lastSeenAt >= this.limits.idleMs) return 'idle';
    return null;
  }

  /** Ended sessions are kept an hour more, so their holder's next request can still say why it ended. */
  private prune(now: number): void {
    for (const [id, s] of this.sessions) if (this.endOf(s, now - PRUNE_GRACE_MS)) this.sessions.delete(id);
  }
}

/** Constant-time comparison of a token the client sent with the one expected. */
export function sameToken(sent: unknown, expected: string): boolean {
  if (typeof sent !== 'string' || sent.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(sent), Buffer.from(expected));
}

export { newToken };
