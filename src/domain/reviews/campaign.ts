// Opening a campaign: every in-scope entitlement of every active person becomes an item for the
// person's manager; pure, so the CLI and tests plan the very same items.
import type { AuditActor, Entitlement, Identity } from '../types';
import { OPERATORS_REVIEWER, type ReviewCampaign, type ReviewItem, type ReviewScope } from './types';

export const SCOPE_KINDS = ['role', 'target', 'group'] as const;

/** A scope that is malformed (`usage`) or names something the configuration does not know. */
export class ReviewScopeError extends Error {
  constructor(message: string, readonly usage = true) {
    super(message);
    this.name = 'ReviewScopeError';
  }
}

/** What a scope may name: the configured roles and targets, and the groups the store or the roles know. */
export interface ScopeNames {
  roles: string[];
  targets: string[];
  groups: string[];
}

/** `--scope role eng` -> { kind: 'role', name: 'eng' }; no kind = every entitlement. */
export function parseScope(kind: string | undefined, name: string | undefined, known: ScopeNames): ReviewScope {
  if (kind === undefined || kind === 'all') return { kind: 'all' };
  if (!(SCOPE_KINDS as readonly string[]).includes(kind)) {
    throw new ReviewScopeError(`unknown scope kind "${kind}": use role, target or group (or leave --scope out for every entitlement)`);
  }
  if (!name) throw new ReviewScopeError(`--scope ${kind} needs a name, e.g. --scope ${kind} NAME`);
  const list = kind === 'role' ? known.roles : kind === 'target' ? known.targets : known.groups;
  const found = list.find((n) => (kind === 'group' ? n.toLowerCase() === name.toLowerCase() : n === name));
  if (!found) {
    const some = list.slice(0, 10).join(', ') || 'none';
    throw new ReviewScopeError(`no ${kind} named "${name}" (known ${kind}s: ${some}${list.length > 10 ? ', ...' : ''})`, false);
  }
  return { kind: kind as 'role' | 'target' | 'group', name: found };
}

export function describeScope(scope: ReviewScope): string {
  return scope.kind === 'all' ? 'all' : `${scope.kind} ${scope.name}`;
}

/** The roles on a rule's path: `role:a<-b` -> [a, b]; [] for a built-in rule. */
export function rolesOfRule(rule: string): string[] {
  return rule.startsWith('role:') ? rule.slice('role:'.length).split('<-') : [];
}

export function inScope(e: Entitlement, scope: ReviewScope): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'role':
      return rolesOfRule(e.rule).includes(scope.name);
    case 'target':
      return e.kind === 'account' && e.name === scope.name;
    case 'group':
      return e.kind === 'group' && e.name.toLowerCase() === scope.name.toLowerCase();
  }
}

/**
 * The manager's identity id when the HR `manager` attribute names (by employee id) an active
 * person other than the reviewed one; otherwise the operators decide.
 */
export function reviewerOf(person: Identity, byEmployeeId: ReadonlyMap<string, Identity>): string {
  const managerId = person.attributes.manager;
  if (!managerId) return OPERATORS_REVIEWER;
  const manager = byEmployeeId.get(managerId);
  if (!manager || manager.state !== 'active' || manager.id === person.id) return OPERATORS_REVIEWER;
  return manager.id;
}

export interface CampaignInput {
  id: string;
  name: string;
  scope: ReviewScope;
  openedBy: AuditActor;
  now: string;
  identities: Identity[];
  /** a fresh id per item */
  newId: () => string;
}

export function openCampaign(input: CampaignInput): { campaign: ReviewCampaign; items: ReviewItem[] } {
  const campaign: ReviewCampaign = {
    id: input.id,
    name: input.name,
    scope: input.scope,
    openedAt: input.now,
    openedBy: input.openedBy,
    status: 'open',
    closedAt: null,
  };
  const byEmployeeId = new Map<string, Identity>();
  for (const i of input.identities) if (i.employeeId) byEmployeeId.set(i.employeeId, i);
  const items: ReviewItem[] = [];
  const people = input.identities.filter((i) => i.state === 'active').sort((a, b) => a.username.localeCompare(b.username));
  for (const person of people) {
    const reviewer = reviewerOf(person, byEmployeeId);
    for (const e of person.entitlements.filter((x) => inScope(x, input.scope))) {
      items.push({
        id: input.newId(),
        campaignId: campaign.id,
        identityId: person.id,
        username: person.username,
        entitlement: { kind: e.kind, name: e.name, ...(e.values ? { values: [...e.values] } : {}) },
        rule: e.rule,
        reviewer,
        decision: null,
        comment: null,
        decidedBy: null,
        decidedAt: null,
      });
    }
  }
  return { campaign, items };
}

/** Items per reviewer, in first-seen order. */
export function countByReviewer(items: ReviewItem[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const i of items) out.set(i.reviewer, (out.get(i.reviewer) ?? 0) + 1);
  return out;
}

export interface CampaignProgress {
  items: number;
  decided: number;
  kept: number;
  revoked: number;
  /** undecided items per reviewer */
  pendingByReviewer: Map<string, number>;
}

export function progressOf(items: ReviewItem[]): CampaignProgress {
  const p: CampaignProgress = { items: items.length, decided: 0, kept: 0, revoked: 0, pendingByReviewer: new Map() };
  for (const i of items) {
    if (i.decision === 'keep') p.kept++;
    if (i.decision === 'revoke') p.revoked++;
    if (i.decision) p.decided++;
    else p.pendingByReviewer.set(i.reviewer, (p.pendingByReviewer.get(i.reviewer) ?? 0) + 1);
  }
  return p;
}

/** A decision an item can still take: refused when the campaign is closed or the item decided. */
export function decisionProblem(campaign: ReviewCampaign, item: ReviewItem): string | null {
  if (campaign.status !== 'open') return `campaign ${campaign.name} is closed`;
  if (item.decision) return `this item was already decided (${item.decision})`;
  return null;
}

export function describeEntitlement(e: { kind: string; name: string; values?: string[] }): string {
  const values = e.values?.length ? ` [${e.values.join(', ')}]` : '';
  return e.kind === 'group' ? `group ${e.name}` : `account in ${e.name}${values}`;
}
