// What the console core needs from the daemon, in the console's own words: the composition root
// (src/app/console.ts) builds these from the LDAP frontend, the store and the Redis counters.
import type { ConsoleConfig } from '../../admin/config';
import type { AuditDraft } from '../../domain/types';
import type { PersonStanding } from '../../domain/people/standing';
import type { Clock } from '../../ports/clock';
import type { FailureCounter } from '../../ports/failure-counter';
import type { Logger } from '../../ports/logger';

/** A person as the directory serves them now (the LDAP view's standing of them). */
export type ConsolePerson = PersonStanding;

export interface ConsoleDirectory {
  /** by username, case-insensitively; undefined when the directory does not serve them (terminated, unknown) */
  person(username: string): ConsolePerson | undefined;
}

export type CredentialCheck = { ok: true } | { ok: false; reason: string; unavailable?: boolean };

/** The bind path of the LDAP frontend: the same password check, lockout and TOTP replay protection. */
export interface ConsolePasswords {
  totpEnrolled(username: string): Promise<boolean>;
  /** `code` null: no code asked for. An unknown or inactive username fails like a wrong password, at the same cost. */
  verify(attempt: { username: string; password: string; code: string | null; address: string }): Promise<CredentialCheck>;
}

export interface ConsoleAudit {
  record(drafts: AuditDraft[]): Promise<void>;
}

export interface ConsoleDeps {
  config: ConsoleConfig;
  directory: ConsoleDirectory;
  passwords: ConsolePasswords;
  audit: ConsoleAudit;
  /** failed sign-ins per address and per person (Redis in the daemon: shared, survives restarts) */
  failures: FailureCounter;
  clock: Clock;
  log: Logger;
}
