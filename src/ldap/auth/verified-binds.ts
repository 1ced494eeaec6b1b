import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../ports/clock';

interface Verified {
  mac: Buffer;
  expiresAt: number;
}

/**
 * Service-account binds that passed an argon2id verify in the last `ttlMs`, so an application that
 * binds once per connection (nslcd, sssd, Apache, scripts running ldapsearch) does not pay ~20 ms
 * of one core for every connection. A deliberate trade-off, for service accounts only (never
 * people, whose passwords are far weaker and whose binds are far rarer):
 * - only an HMAC-SHA256 of (DN, configured hash, password) is kept, under a random key made when
 *   this cache is built and never written anywhere: a memory dump taken within `ttlMs` of a bind
 *   can be guessed against at HMAC speed rather than argon2 speed, for that one account;
 * - the configured hash is part of the MAC, so a changed secret never matches an old entry, and a
 *   new configuration (the server is started anew) builds a new, empty cache with a new key;
 * - an entry expires `ttlMs` after the argon2id verify that made it (hits do not extend it);
 * - a miss (a wrong password among them) pays the full verify, so failed binds cost what they did,
 *   and the lockout and allowFrom checks run before the cache is asked.
 */
export class VerifiedBindCache {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, Verified>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  /** true when this exact (DN, hash, password) was verified within the time to live */
  has(ndn: string, hash: string, password: string): boolean {
    const hit = this.entries.get(ndn);
    if (!hit) return false;
    if (this.clock.now().getTime() >= hit.expiresAt) {
      this.entries.delete(ndn);
      return false;
    }
    return timingSafeEqual(hit.mac, this.macOf(ndn, hash, password));
  }

  /** Records a bind that argon2id has just verified. One entry per account: the latest verified secret. */
  remember(ndn: string, hash: string, password: string): void {
    if (!this.enabled) return;
    this.entries.set(ndn, { mac: this.macOf(ndn, hash, password), expiresAt: this.clock.now().getTime() + this.ttlMs });
  }

  private macOf(ndn: string, hash: string, password: string): Buffer {
    // Lengths first, so no two different triples can run together into the same MAC input.
    return createHmac('sha256', this.key).update(`${ndn.length}:${hash.length}:${ndn}${hash}`).update(password, 'utf8').digest();
  }
}
