// A run's source groups: plans what the snapshot does to the groups the source brought before,
// then re-evaluates the rules of everyone whose groups changed, so a role granted by a group
// follows its membership in the same commit.
import { diffIdentities, isEmptyDiff } from '../../domain/identity-diff';
import { GroupMembership } from '../../domain/group-membership';
import { groupHoldReasons } from '../../domain/safety';
import { planSourceGroups, sourceGroupOrigin, type GroupChange } from '../../domain/source-groups';
import type { Group, Identity } from '../../domain/types';
import type { AccessPolicy } from '../../ports/access-policy';
import type { IdentityStore } from '../../ports/identity-store';
import type { SourceSnapshot } from '../../ports/source-connector';
import type { RunState } from './load-state';
import type { PlanStep, RunPlan } from './plan-run';
import type { PersonChange, RunSourceSettings } from './types';

export interface GroupPlanInput {
  store: Pick<IdentityStore, 'getIdentities'>;
  policy: AccessPolicy;
  runId: string;
  now: Date;
  settings: RunSourceSettings;
  snapshot: SourceSnapshot;
  state: RunState;
  partial: boolean;
  bypassHold: boolean;
}

/** Adds the group plan to `plan` (and the rule changes it causes to its steps); a no-op when the source brought no groups. */
export async function planRunGroups(plan: RunPlan, input: GroupPlanInput): Promise<void> {
  const { snapshot, settings, state } = input;
  if (input.partial || (snapshot.groups === undefined && !snapshot.removedGroups?.length)) return;
  const complete = plan.incompleteReason === null;
  const origin = sourceGroupOrigin(settings.name);
  const result = planSourceGroups({
    source: settings.name,
    prefix: settings.groupPrefix ?? '',
    mode: snapshot.mode,
    complete,
    groups: snapshot.groups ?? [],
    removed: snapshot.removedGroups ?? [],
    existing: state.groupRows.filter((g) => g.origin === origin),
    identityOf: resolver(plan, state, settings.name),
    // tombstones too: writing over one would free the gidNumber it keeps
    takenByOthers: new Map(state.groupRows.filter((g) => g.origin !== origin).map((g) => [g.name.toLowerCase(), g.origin])),
    now: input.now.toISOString(),
  });
  // a clash is reported, not counted against completeness: the other groups still apply
  plan.problems.push(...result.problems);
  const labels = new Map<string, string>();
  plan.groups = { changes: result.changes, labels };
  if (!result.changes.length) return;
  const affected = affectedIdentities(result.changes, state.groupRows);
  const after = new GroupMembership(rowsAfter(state.groupRows, result.changes));
  const identities = await reevaluate(plan, affected, state.membership, after, input, !complete);
  for (const [id, identity] of identities) labels.set(id, identity.username);
  if (complete && !input.bypassHold) {
    const reasons = groupHoldReasons(result, settings.safety);
    if (reasons.length) plan.holdReason = [plan.holdReason, ...reasons].filter(Boolean).join('; ');
  }
}

/** person external id -> identity id: what this run writes first, else what is stored; null for leavers. */
function resolver(plan: RunPlan, state: RunState, source: string): (externalId: string) => string | null {
  const planned = new Map<string, { identityId: string | null; gone: boolean }>();
  for (const s of plan.steps) if (s.record && s.record.source === source) planned.set(s.record.externalId, s.record);
  return (externalId) => {
    const r = planned.get(externalId) ?? state.digests.get(externalId);
    return r && !r.gone ? r.identityId : null;
  };
}

/** Everyone whose groups a change can move: members of the changed groups and of groups nested in them. */
function affectedIdentities(changes: GroupChange[], rows: Group[]): Set<string> {
  const byName = new Map(rows.filter((g) => !g.deletedAt).map((g) => [g.name.toLowerCase(), g]));
  for (const c of changes) if (!c.after.deletedAt) byName.set(c.after.name.toLowerCase(), c.after);
  const out = new Set<string>();
  // by object: a group's row before and after the change are both walked, a cycle ends the walk
  const seen = new Set<Group>();
  const todo: Group[] = changes.flatMap((c) => [c.before, c.after].filter((g): g is Group => !!g));
  while (todo.length) {
    const g = todo.pop()!;
    if (seen.has(g)) continue;
    seen.add(g);
    for (const id of g.members ?? []) out.add(id);
    for (const child of g.memberGroups ?? []) {
      const c = byName.get(child.toLowerCase());
      if (c) todo.push(c);
    }
  }
  for (const c of changes) for (const id of c.membersRemoved) out.add(id);
  return out;
}

function rowsAfter(rows: Group[], changes: GroupChange[]): Group[] {
  const byName = new Map(rows.map((g) => [g.name, g]));
  for (const c of changes) {
    if (c.replaces) byName.delete(c.replaces);
    if (c.before) byName.delete(c.before.name);
    byName.set(c.after.name, c.after);
  }
  return [...byName.values()];
}

const FETCH_CHUNK = 5_000;

/**
 * Recomputes the entitlements of everyone whose groups changed. A person the run already changes
 * gets them on that change; anyone else gets an update of their own. An incomplete run defers a
 * change that would take access away, as it does for people.
 */
async function reevaluate(
  plan: RunPlan,
  affected: Set<string>,
  before: GroupMembership,
  after: GroupMembership,
  input: GroupPlanInput,
  incomplete: boolean,
): Promise<Map<string, Identity>> {
  const stepOf = new Map<string, PlanStep>();
  for (const s of plan.steps) if (s.after) stepOf.set(s.after.id, s);
  const known = new Map<string, Identity>();
  const missing: string[] = [];
  for (const id of affected) {
    const identity = stepOf.get(id)?.after ?? input.state.identities.get(id);
    if (identity) known.set(id, identity);
    else missing.push(id);
  }
  for (let i = 0; i < missing.length; i += FETCH_CHUNK) {
    for (const identity of await input.store.getIdentities(missing.slice(i, i + FETCH_CHUNK))) known.set(identity.id, identity);
  }
  for (const [id, identity] of known) {
    const groups = after.groupsOf(id);
    if (same(groups, before.groupsOf(id))) continue;
    const step = stepOf.get(id);
    if (step) updateStep(step, input.policy.entitlements(step.after as Identity, { groups }), incomplete);
    else addStep(plan, identity, input.policy.entitlements(identity, { groups }), input, incomplete);
  }
  return known;
}

function updateStep(step: PlanStep, entitlements: Identity['entitlements'], incomplete: boolean): void {
  const after = step.after as Identity;
  // an incomplete run takes no access away, whatever a rule over the new groups says
  if (incomplete && !covers(entitlements, after.entitlements)) return;
  after.entitlements = entitlements;
  if (!step.before || !step.change) return;
  step.change.diff = diffIdentities(step.before, after);
  step.change.removesAccess = step.change.removesAccess || step.change.diff.entitlementsRemoved.length > 0;
}

function addStep(plan: RunPlan, identity: Identity, entitlements: Identity['entitlements'], input: GroupPlanInput, incomplete: boolean): void {
  const after: Identity = { ...identity, entitlements, updatedAt: input.now.toISOString() };
  const diff = diffIdentities(identity, after);
  if (isEmptyDiff(diff)) return;
  const link = identity.links.find((l) => l.source === input.settings.name);
  const change: PersonChange = {
    identityId: identity.id,
    username: identity.username,
    uidNumber: identity.uidNumber,
    employeeId: identity.employeeId,
    source: input.settings.name,
    externalId: link?.externalId ?? '',
    action: 'identity.update',
    correlationId: `${input.runId}:groups:${identity.id}`,
    diff,
    removesAccess: diff.entitlementsRemoved.length > 0,
    deferred: false,
  };
  if (incomplete && change.removesAccess) return void plan.deferred.push({ ...change, deferred: true });
  plan.steps.push({ record: null, change, before: identity, after });
}

const entitlementKey = (e: Identity['entitlements'][number]): string => `${e.kind}\u0000${e.name}\u0000${e.rule}\u0000${(e.values ?? []).join(',')}`;

/** whether `next` keeps every entitlement of `current` */
function covers(next: Identity['entitlements'], current: Identity['entitlements']): boolean {
  const keys = new Set(next.map(entitlementKey));
  return current.every((e) => keys.has(entitlementKey(e)));
}

const same = (a: string[], b: string[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);
