import type { SourceConfig } from '../../config/sections/sources';
import type { IdentityDiff } from '../../domain/identity-diff';
import type { SafetyLimits } from '../../domain/safety';
import type { GroupChange } from '../../domain/source-groups';
import type { SyncRun } from '../../domain/types';
import type { SourceProblem, SourceSnapshot } from '../../ports/source-connector';

/** The slice of pino the sync needs; pino loggers satisfy it as they are. */
export { silentLogger } from '../../ports/logger';

export type ChangeAction =
  | 'identity.create'
  | 'identity.update'
  | 'identity.rehire'
  | 'identity.terminate'
  | 'identity.suspend'
  | 'identity.reactivate'
  | 'identity.activate';

/** What one run did (or, for a dry run or a held run, would do) to one identity. */
export interface PersonChange {
  identityId: string;
  username: string;
  /** null until committed for a new identity */
  uidNumber: number | null;
  employeeId: string | null;
  source: string;
  externalId: string;
  action: ChangeAction;
  correlationId: string;
  diff: IdentityDiff;
  /** takes access away (termination, suspension, a lost entitlement) */
  removesAccess: boolean;
  /** not applied because the run was incomplete and this change removes access */
  deferred: boolean;
}

export interface RunReport extends SyncRun {
  /** human-readable plan (`+ create jdoe (E1001)`, `~ jdoe title: A -> B`, `- terminate jdoe`) */
  plan: string[];
  changes: PersonChange[];
  problems: SourceProblem[];
  dryRun: boolean;
  /** present when the source brought groups */
  groups?: GroupRunCounts;
}

/** The source settings a run needs, kept with a held run so `allowRun` can replay it without config. */
export interface RunSourceSettings {
  name: string;
  authoritative: boolean;
  join: SourceConfig['join'];
  precedence: number;
  attributePrecedence: Record<string, number>;
  safety: SafetyLimits;
  /** `groups.prefix` of the source; absent in runs staged before source groups */
  groupPrefix?: string;
}

/** What a run does to its source's groups (see domain/source-groups.ts). */
export interface GroupRunPlan {
  changes: GroupChange[];
  /** identity id -> username, for the plan lines of the members that changed */
  labels: Map<string, string>;
}

/** Group counts of a run report. */
export interface GroupRunCounts {
  created: number;
  updated: number;
  restored: number;
  deleted: number;
  membersAdded: number;
  membersRemoved: number;
}

/** `SyncRun.staged` of a held run: exactly what was read, to apply later as it was. */
export interface StagedRun {
  version: 1;
  settings: RunSourceSettings;
  snapshot: SourceSnapshot;
}

export function settingsOf(cfg: SourceConfig, authoritative = cfg.authoritative): RunSourceSettings {
  return {
    name: cfg.name,
    authoritative,
    join: [...cfg.join],
    precedence: cfg.precedence,
    attributePrecedence: { ...cfg.attributePrecedence },
    safety: { ...cfg.safety },
    groupPrefix: groupPrefixOf(cfg),
  };
}

/** `groups.prefix` of a directory source; "" for kinds without groups. */
export function groupPrefixOf(cfg: SourceConfig): string {
  const groups = (cfg as { groups?: { prefix?: unknown } }).groups;
  return typeof groups?.prefix === 'string' ? groups.prefix : '';
}
