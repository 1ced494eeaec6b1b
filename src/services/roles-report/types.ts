// The shape `idsync roles report --json` prints (documented in the README): keep it stable, add
// fields rather than rename them.

/**
 * role: a `roles:` entry. The others grant access without being roles: department-groups (everyone
 * active is in their department's group), all-active (an account on every target no role names),
 * declared-group (a `groups:` entry whose members are the members of the groups it includes).
 */
export type GrantRuleKind = 'role' | 'department-groups' | 'all-active' | 'declared-group';

/** One person gaining or losing a rule's grant, as one audit record says. */
export interface PersonChange {
  username: string | null;
  identityId: string;
  time: string;
  /** the audit record's seq and action (identity.update, identity.terminate, ...) */
  seq: number;
  action: string;
  /** what came or went with it: `group:eng`, `account:github[dev]` */
  entitlements: string[];
}

export interface ChangeList {
  /** every change in the window */
  count: number;
  /** the most recent ones, newest first, at most the report's `listLimit` */
  people: PersonChange[];
}

export interface GrantRuleReport {
  name: string;
  kind: GrantRuleKind;
  description: string | null;
  /** a role's `when` as written (null: held only through another role's include); a sentence for the others */
  condition: string | null;
  /** roles this role includes; groups a declared group nests */
  include: string[];
  /** roles whose `include` names this role */
  includedBy: string[];
  grants: { groups: string[]; targets: Record<string, string[]> };
  /** active people who hold it now */
  members: number;
  /** null where the audit trail does not record it (declared groups: membership through nesting) */
  gained: ChangeList | null;
  lost: ChangeList | null;
}

export interface RoleReport {
  generatedAt: string;
  window: { days: number; since: string; until: string };
  /** active people examined */
  activePeople: number;
  /** audit records read (those in the window, plus the lead-in before it) */
  auditRecordsRead: number;
  listLimit: number;
  rules: GrantRuleReport[];
  /** names of the roles no active person holds */
  unmatched: string[];
}
