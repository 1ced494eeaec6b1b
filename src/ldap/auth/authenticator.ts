import type { LdapConfig } from '../../config/sections/ldap';
import type { Clock } from '../../ports/clock';
import type { CredentialStore } from '../../ports/credential-store';
import type { FailureCounter } from '../../ports/failure-counter';
import { canonicalAddress } from '../../util/cidr';
import type { BindSubject, DirectorySnapshot } from '../contract';
import { delegatedBind } from './delegate';
import { normalizeDN } from './dn';
import { LockoutTracker, type LockScope } from './lockout';
import { MemoryFailureCounter } from './memory-failure-counter';
import type { PasswordHasher } from './passwords';
import { ServiceAccounts, type ServiceAccount } from './service-accounts';
import { splitPasswordAndCode, totpTimeStep } from './totp';

export const LDAP_SUCCESS = 0;
export const LDAP_INVALID_CREDENTIALS = 49;
export const LDAP_UNWILLING_TO_PERFORM = 53;
export const LDAP_UNAVAILABLE = 52;

export type BindOutcome =
  | { ok: true; dn: string; ndn: string; subject: BindSubject }
  /** `reason` is for the log only: the client sees the same answer for every failure kind */
  | { ok: false; code: number; message: string; reason: string };

export interface BindAttempt {
  dn: string;
  password: string;
  address: string;
  snapshot: DirectorySnapshot;
}

export interface AuthenticatorOptions {
  /** where failed binds are counted; in memory (per process, on `clock`) when omitted */
  failures?: FailureCounter;
  /** the failure counter could not be read or written (the bind is still checked) */
  onLockoutError?: (err: Error) => void;
}

const INVALID = (reason: string): BindOutcome => ({
  ok: false,
  code: LDAP_INVALID_CREDENTIALS,
  message: 'invalid credentials',
  reason,
});

/** Checks simple binds: service accounts from config, people locally (argon2id) or by delegation. */
export class Authenticator {
  private services: ServiceAccounts;
  private lockout: LockoutTracker;
  private dummyHash: Promise<string>;

  constructor(
    private config: LdapConfig,
    private credentials: CredentialStore,
    private hasher: PasswordHasher,
    private clock: Clock,
    options: AuthenticatorOptions = {},
  ) {
    this.services = new ServiceAccounts(config, hasher, clock);
    this.lockout = new LockoutTracker(config.lockout, options.failures ?? new MemoryFailureCounter(clock), options.onLockoutError);
    // Unknown DNs pay for one argon2 verify too, so response time does not tell which DNs exist.
    this.dummyHash = hasher.hash('idsync-timing-equaliser');
  }

  async authenticate(attempt: BindAttempt): Promise<BindOutcome> {
    const ndn = normalizeDN(attempt.dn);
    const address = canonicalAddress(attempt.address);
    if (attempt.password === '') {
      // RFC 4513 5.1.2: an unauthenticated bind (DN, no password) must not look like success.
      return { ok: false, code: LDAP_UNWILLING_TO_PERFORM, message: 'unauthenticated bind (DN with empty password) is not allowed', reason: 'empty password' };
    }
    if (await this.lockout.isThrottled(address)) {
      await this.burnDummy(attempt.password);
      return INVALID('client address throttled after repeated failures');
    }
    const service = this.services.find(ndn);
    if (service?.allows && !service.allows(address)) {
      await this.burnDummy(attempt.password);
      await this.lockout.recordFailure({ kind: 'none' }, address);
      return INVALID(`service account bind from ${address}, outside its allowFrom`);
    }
    const scope = this.lockScope(ndn, address, service);
    if (await this.lockout.isLocked(scope)) {
      await this.burnDummy(attempt.password);
      return INVALID(scope.kind === 'dn-address' ? 'DN locked for this client address after repeated failures' : 'DN locked after repeated failures');
    }
    const outcome = await this.check(ndn, attempt, service);
    if (outcome.ok) await this.lockout.recordSuccess(scope);
    else if (outcome.code === LDAP_INVALID_CREDENTIALS) await this.lockout.recordFailure(scope, address);
    return outcome;
  }

  /**
   * A person signing in elsewhere (the helpdesk console) with the password of their binds: the
   * same lockout, password check (argon2id or delegate) and TOTP replay protection, with the code
   * given on its own. `code` null means the caller asks for no code; service accounts never pass.
   */
  async verifyPerson(attempt: BindAttempt & { code: string | null }): Promise<BindOutcome> {
    const ndn = normalizeDN(attempt.dn);
    const address = canonicalAddress(attempt.address);
    if (attempt.password === '') return INVALID('empty password');
    if (await this.lockout.isThrottled(address)) {
      await this.burnDummy(attempt.password);
      return INVALID('client address throttled after repeated failures');
    }
    const scope: LockScope = { kind: 'dn', ndn };
    if (await this.lockout.isLocked(scope)) {
      await this.burnDummy(attempt.password);
      return INVALID('DN locked after repeated failures');
    }
    const subject = attempt.snapshot.bindSubject(attempt.dn);
    let outcome: BindOutcome;
    if (!subject || subject.kind !== 'person' || subject.state !== 'active') {
      await this.burnDummy(attempt.password);
      outcome = INVALID(subject?.kind === 'person' ? `person is ${subject.state}` : 'no such person');
    } else {
      outcome = await this.checkPasswordAndCode(subject, ndn, attempt.password, attempt.code);
    }
    if (outcome.ok) await this.lockout.recordSuccess(scope);
    else if (outcome.code === LDAP_INVALID_CREDENTIALS) await this.lockout.recordFailure(scope, address);
    return outcome;
  }

  /** Whether the person has a TOTP secret (and so must give a code wherever codes can be asked). */
  async totpEnrolled(username: string): Promise<boolean> {
    return (await this.credentials.getTotp(username)) !== null;
  }

  /** Why service accounts are not locked per DN: see LockScope. */
  private lockScope(ndn: string, address: string, service: ServiceAccount | undefined): LockScope {
    if (!service) return { kind: 'dn', ndn };
    return service.allows ? { kind: 'none' } : { kind: 'dn-address', ndn, address };
  }

  private async check(ndn: string, attempt: BindAttempt, service: ServiceAccount | undefined): Promise<BindOutcome> {
    if (service) {
      const ok = await this.services.verify(service, attempt.password);
      return ok ? { ok: true, dn: service.dn, ndn, subject: { kind: 'service', name: service.name, dn: service.dn } } : INVALID('wrong service account password');
    }
    const subject = attempt.snapshot.bindSubject(attempt.dn) ?? attempt.snapshot.bindSubject(ndn);
    if (!subject || subject.kind !== 'person') {
      await this.burnDummy(attempt.password);
      return INVALID('no such bind DN');
    }
    if (subject.state !== 'active') {
      await this.burnDummy(attempt.password);
      return INVALID(`person is ${subject.state}`);
    }
    return this.checkPerson(subject, ndn, attempt.password);
  }

  private async checkPerson(subject: Extract<BindSubject, { kind: 'person' }>, ndn: string, input: string): Promise<BindOutcome> {
    const mfaRequired = subject.groups.some((g) => this.config.mfa.groups.includes(g));
    let password = input;
    let code: string | null = null;
    if (mfaRequired) {
      const split = splitPasswordAndCode(input, this.config.mfa.separator);
      if (!split) {
        await this.burnDummy(input);
        return INVALID('TOTP code required but missing');
      }
      ({ password, code } = split);
    }
    return this.checkPasswordAndCode(subject, ndn, password, code);
  }

  private async checkPasswordAndCode(subject: Extract<BindSubject, { kind: 'person' }>, ndn: string, password: string, code: string | null): Promise<BindOutcome> {
    let passwordOk: boolean;
    try {
      passwordOk = await this.checkPersonPassword(subject.username, password);
    } catch (err) {
      return { ok: false, code: LDAP_UNAVAILABLE, message: 'upstream directory unavailable', reason: `delegate bind failed: ${(err as Error).message}` };
    }
    if (!passwordOk) return INVALID('wrong password');
    if (code !== null && !(await this.checkTotp(subject.username, code))) return INVALID('wrong, reused or unenrolled TOTP code');
    return { ok: true, dn: subject.dn, ndn, subject };
  }

  private async checkPersonPassword(username: string, password: string): Promise<boolean> {
    if (this.config.bind.mode === 'delegate') {
      const b = this.config.bind;
      return delegatedBind({ upstreamUrl: b.upstreamUrl ?? '', upstreamBindDN: b.upstreamBindDN, timeoutMs: b.upstreamTimeoutMs }, username, password);
    }
    const hashed = await this.credentials.getPasswordHash(username);
    if (!hashed) {
      await this.burnDummy(password);
      return false;
    }
    return this.hasher.verify(hashed, password);
  }

  private async checkTotp(username: string, code: string): Promise<boolean> {
    const enrolment = await this.credentials.getTotp(username);
    if (!enrolment) return false;
    const step = await totpTimeStep(enrolment.secret, code, this.clock.now());
    if (step === null) return false;
    return this.credentials.consumeTotpStep(username, step);
  }

  private async burnDummy(password: string): Promise<void> {
    await this.hasher.verify(await this.dummyHash, password);
  }
}
