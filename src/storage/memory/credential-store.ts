import type { CredentialStore, TotpEnrolment } from '../../ports/credential-store';

const key = (username: string): string => username.toLowerCase();

/** Reference semantics for CredentialStore; the SQLite backend must behave the same. */
export class MemoryCredentialStore implements CredentialStore {
  readonly kind = 'memory';
  private passwords = new Map<string, string>();
  private totp = new Map<string, TotpEnrolment>();

  async getPasswordHash(username: string): Promise<string | null> {
    return this.passwords.get(key(username)) ?? null;
  }

  async setPasswordHash(username: string, hash: string, _at?: string): Promise<void> {
    this.passwords.set(key(username), hash);
  }

  async getTotp(username: string): Promise<TotpEnrolment | null> {
    const found = this.totp.get(key(username));
    return found ? { ...found } : null;
  }

  async setTotp(username: string, enrolment: TotpEnrolment): Promise<void> {
    this.totp.set(key(username), { ...enrolment });
  }

  async consumeTotpStep(username: string, timeStep: number): Promise<boolean> {
    const found = this.totp.get(key(username));
    if (!found || timeStep <= found.lastTimeStep) return false;
    found.lastTimeStep = timeStep;
    return true;
  }

  async close(): Promise<void> {}
}
