/**
 * Where people's LDAP bind secrets live: argon2id password hashes and TOTP enrolments, keyed by
 * username. Kept apart from IdentityStore because secrets never travel with identities (no audit
 * record, no change feed, no target ever sees them).
 */
export interface TotpEnrolment {
  /** base32 secret */
  secret: string;
  /** the last accepted TOTP time step: a code is accepted only once (replay protection) */
  lastTimeStep: number;
  enrolledAt: string;
}

export interface CredentialStore {
  readonly kind: string;
  getPasswordHash(username: string): Promise<string | null>;
  setPasswordHash(username: string, hash: string, at: string): Promise<void>;
  getTotp(username: string): Promise<TotpEnrolment | null>;
  setTotp(username: string, enrolment: TotpEnrolment): Promise<void>;
  /**
   * Records `timeStep` as used if it is newer than the stored one. Returns false when the step was
   * already used (or an older one): the caller refuses the code. Atomic per username.
   */
  consumeTotpStep(username: string, timeStep: number): Promise<boolean>;
  close(): Promise<void>;
}
