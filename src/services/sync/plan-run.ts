import { correlate } from '../../domain/correlation';
import { resolveJoinRules, type JoinRule } from '../../domain/join-rules';
import { diffIdentities, isEmptyDiff, type IdentityDiff } from '../../domain/identity-diff';
import { hasAccess, lifecycleCalendar, lifecycleState, removesAccess, transitionAction } from '../../domain/lifecycle';
import { populationCollapse } from '../../domain/safety';
import { allocateUsername, usernameBase } from '../../domain/username';
import type { Attributes, Dispute, Identity, SourceRecord, SyncRunCounts } from '../../domain/types';
import type { AccessPolicy } from '../../ports/access-policy';
import type { SourceProblem, SourceSnapshot } from '../../ports/source-connector';
import type { RunState } from './load-state';
import type { PreparedRecord, PreparedSnapshot } from './prepare';
import { massChanges, partOf } from './mass-changes';
import { evolveIdentity, linksWith, mergeFor, type SourceRanking } from './person';
import type { ChangeAction, GroupRunPlan, PersonChange, RunSourceSettings } from './types';

export interface PlanInput {
  runId: string;
  now: Date;
  settings: RunSourceSettings;
  snapshot: SourceSnapshot;
  /** the snapshot's records normalised and hashed (prepareSnapshot), matched against `state` */
  prepared: PreparedSnapshot;
  state: RunState;
  policy: AccessPolicy;
  usernameMaxLength: number;
  /** a subset of the source (resync): nobody absent is a leaver, no population or hold checks */
  partial: boolean;
  /** replaying a held run someone allowed */
  bypassHold: boolean;
  correlationIdFor?: (externalId: string) => string;
  /** configured precedence of every source, by name */
  rankings?: Map<string, SourceRanking>;
}

const NO_GROUPS: string[] = [];

/** One unit of a commit: a source record write and/or an identity change that goes with it. */
export interface PlanStep {
  record: SourceRecord | null;
  change: PersonChange | null;
  before: Identity | null;
  after: Identity | null;
}

export interface RunPlan {
  steps: PlanStep[];
  disputes: Array<{ dispute: Dispute; correlationId: string }>;
  counts: SyncRunCounts;
  problems: SourceProblem[];
  /** why the run is incomplete (removals skipped), or null */
  incompleteReason: string | null;
  /** why the run must wait for a person, or null */
  holdReason: string | null;
  /** why an incomplete run also deferred changes beyond the mass-change limits, or null */
  massDeferredReason: string | null;
  deferred: PersonChange[];
  /** what the run does to the source's groups, when the snapshot brought any */
  groups?: GroupRunPlan;
}

export function emptyCounts(): SyncRunCounts {
  return { seen: 0, created: 0, updated: 0, unchanged: 0, terminated: 0, suspended: 0, reactivated: 0, disputed: 0, errors: 0, writes: 0 };
}

/** Pure over the loaded state (which it grows with the identities it creates): decides, writes nothing. */
export function planRun(input: PlanInput): RunPlan {
  const planner = new Planner(input);
  return planner.plan();
}

class Planner {
  private readonly nowIso: string;
  /** the day of the run in each person's zone (their start and end dates are days of it) */
  private readonly dayOf: (attributes: Attributes) => string;
  private readonly result: RunPlan;
  private readonly joinRules: JoinRule[];

  constructor(private readonly input: PlanInput) {
    this.nowIso = input.now.toISOString();
    this.joinRules = resolveJoinRules(input.settings.join);
    this.dayOf = lifecycleCalendar(input.now);
    this.result = {
      steps: [],
      disputes: [],
      counts: emptyCounts(),
      problems: [...input.snapshot.problems],
      incompleteReason: null,
      holdReason: null,
      massDeferredReason: null,
      deferred: [],
    };
  }

  plan(): RunPlan {
    const { snapshot, state, prepared } = this.input;
    this.result.problems = [...prepared.problems];
    this.result.counts.seen = snapshot.records.length;
    this.result.counts.unchanged = prepared.unchangedCount;
    for (const record of prepared.records) this.planRecord(record);
    this.result.counts.errors = this.result.problems.length;
    this.result.incompleteReason = this.incompleteReason(prepared.validCount);
    if (!this.result.incompleteReason && !this.input.partial) this.planAbsences(prepared.seen, snapshot.removed ?? []);
    if (this.result.incompleteReason) {
      this.deferRemovals();
      if (!this.input.partial) this.deferMassChanges(state);
    } else if (!this.input.partial && !this.input.bypassHold) this.checkHold(state);
    return this.result;
  }

  private incompleteReason(validCount: number): string | null {
    const { snapshot, state, settings, partial } = this.input;
    if (!snapshot.complete) return snapshot.incompleteReason ?? 'the source reported an incomplete read';
    const invalid = this.result.problems.length;
    if (invalid) return `${invalid} problem(s) in the source data, first: ${this.result.problems[0].location}: ${this.result.problems[0].message}`;
    if (partial || snapshot.mode !== 'full') return null;
    return populationCollapse(previousPopulation(state), validCount, settings.safety);
  }

  private planRecord(prepared: PreparedRecord): void {
    const { state, settings, runId } = this.input;
    const { externalId, hash } = prepared;
    const digest = state.digests.get(externalId);
    if (!prepared.attributes) {
      // unchanged, kept because its identity is due: only the calendar can move it
      const linked = digest?.identityId ? state.identities.get(digest.identityId) : undefined;
      if (linked) this.planDateTransition(linked, externalId);
      else this.result.counts.unchanged++;
      return;
    }
    const attributes = prepared.attributes;
    const prev = state.records.get(externalId);
    const linked = prev?.identityId ? state.identities.get(prev.identityId) : undefined;
    let before: Identity | null = linked ?? null;
    if (!before) {
      const decided = state.decided.get(externalId);
      const correlation = correlate(attributes, this.joinRules, state.index.get(), (id) => this.eligible(id, externalId), decided);
      if (correlation.kind === 'dispute') return this.planDispute(externalId, attributes, correlation.candidates, correlation.rule);
      if (correlation.kind === 'join') before = state.identities.get(correlation.identityId) ?? null;
    }
    const record: SourceRecord = {
      source: settings.name,
      externalId,
      attributes,
      hash,
      identityId: before?.id ?? null,
      firstSeenAt: prev?.firstSeenAt ?? this.nowIso,
      lastSeenAt: this.nowIso,
      lastSeenRunId: runId,
      gone: false,
    };
    const merged = mergeFor(before, record, settings, state, this.input.rankings);
    const username = before ? undefined : this.newUsername(merged.attributes);
    const after = evolveIdentity({
      before,
      merged,
      state: lifecycleState(merged.attributes, this.dayOf(merged.attributes), false),
      links: linksWith(before, { source: settings.name, externalId }),
      now: this.nowIso,
      policy: this.input.policy,
      username,
      groups: this.groupsOf(before),
    });
    record.identityId = after.id;
    this.addStep(record, before, after, externalId);
  }

  private planDateTransition(identity: Identity, externalId: string): void {
    const next = lifecycleState(identity.attributes, this.dayOf(identity.attributes), false);
    if (next === identity.state) {
      this.result.counts.unchanged++;
      return;
    }
    const merged = { attributes: identity.attributes, provenance: identity.provenance };
    const after = evolveIdentity({ before: identity, merged, state: next, links: identity.links, now: this.nowIso, policy: this.input.policy, groups: this.groupsOf(identity) });
    this.addStep(null, identity, after, externalId);
  }

  private planAbsences(seen: Set<string>, removed: string[]): void {
    const { snapshot, state, settings } = this.input;
    if (!settings.authoritative) return;
    const absentIds = snapshot.mode === 'full' ? [...state.digests.keys()].filter((id) => !seen.has(id)) : removed;
    const absent = absentIds.map((id) => state.records.get(id)).filter((r): r is SourceRecord => !!r);
    for (const prev of absent) {
      if (prev.gone) continue;
      const record: SourceRecord = { ...prev, gone: true };
      const identity = prev.identityId ? state.identities.get(prev.identityId) : undefined;
      if (!identity || identity.state === 'terminated') {
        this.result.steps.push({ record, change: null, before: null, after: null });
        continue;
      }
      const merged = { attributes: identity.attributes, provenance: identity.provenance };
      const after = evolveIdentity({ before: identity, merged, state: 'terminated', links: identity.links, now: this.nowIso, policy: this.input.policy, groups: this.groupsOf(identity) });
      this.addStep(record, identity, after, prev.externalId);
    }
  }

  private addStep(record: SourceRecord | null, before: Identity | null, after: Identity, externalId: string): void {
    // A create's diff is every attribute from null. Planning does not hold one per create (a
    // first sync has 100,000); reportable() fills it in for the changes a report carries.
    const diff = before ? diffIdentities(before, after) : CREATE_DIFF_PENDING;
    if (before && isEmptyDiff(diff)) {
      this.result.counts.unchanged++;
      if (record) this.result.steps.push({ record, change: null, before: null, after: null });
      return;
    }
    const { state, settings } = this.input;
    const action = actionOf(before, after);
    const change: PersonChange = {
      identityId: after.id,
      username: after.username,
      uidNumber: before ? after.uidNumber : null,
      employeeId: after.employeeId,
      source: settings.name,
      externalId,
      action,
      correlationId: this.input.correlationIdFor?.(externalId) ?? `${this.input.runId}:${externalId}`,
      diff,
      removesAccess: (before ? removesAccess(before.state, after.state) : false) || diff.entitlementsRemoved.length > 0,
      deferred: false,
    };
    state.identities.set(after.id, after);
    state.index.replace(before, after);
    this.result.steps.push({ record, change, before, after });
  }

  /** source groups as stored before this run; a run's own group changes are applied after (source-groups.ts) */
  private groupsOf(identity: Identity | null): string[] {
    return identity ? this.input.state.membership.groupsOf(identity.id) : NO_GROUPS;
  }

  private planDispute(externalId: string, attributes: Attributes, candidates: string[], rule: string): void {
    this.result.counts.disputed++;
    const open = this.input.state.openDisputes.get(externalId);
    if (open && open.candidates.join() === candidates.join() && open.rule === rule) return;
    const dispute: Dispute = {
      id: `${this.input.settings.name}:${externalId}:${this.input.runId}`,
      source: this.input.settings.name,
      externalId,
      candidates,
      rule,
      openedAt: this.nowIso,
      resolvedAt: null,
      attributes,
    };
    this.result.disputes.push({ dispute, correlationId: `${this.input.runId}:${externalId}` });
  }

  /** A source never describes one person twice, so an identity it already links elsewhere is not a match. */
  private eligible(identityId: string, externalId: string): boolean {
    const identity = this.input.state.identities.get(identityId);
    const source = this.input.settings.name;
    return !!identity && !identity.links.some((l) => l.source === source && l.externalId !== externalId);
  }

  private newUsername(attributes: SourceRecord['attributes']): string {
    const base = usernameBase(attributes.givenName ?? null, attributes.sn ?? null, attributes.employeeId ?? null);
    return allocateUsername(base, this.input.state.takenUsernames(), this.input.usernameMaxLength);
  }

  /** Incomplete run: never remove access. Such changes wait, their records unwritten, for a complete run. */
  private deferRemovals(): void {
    this.result.steps = this.result.steps.filter((step) => {
      const removal = step.change ? step.change.removesAccess : step.record?.gone === true;
      if (removal && step.change) this.result.deferred.push({ ...step.change, deferred: true });
      return !removal;
    });
  }

  /**
   * An incomplete run cannot be held (allowing it would apply doubtful data), so what a complete
   * run would hold for (a mass attribute change or reactivation) waits for a complete run instead.
   */
  private deferMassChanges(state: RunState): void {
    const mass = massChanges(this.result.steps, previousPopulation(state) || this.result.counts.seen, this.input.settings.safety, this.keepingAccess());
    if (!mass.reasons.length) return;
    this.result.massDeferredReason = mass.reasons.join('; ');
    this.result.steps = this.result.steps.filter((step) => {
      if (!partOf(mass, step)) return true;
      if (step.change) this.result.deferred.push({ ...step.change, deferred: true });
      return false;
    });
  }

  /**
   * People of a full read already stored with the source who have access by what it says now. A
   * delta read lists only who changed, so it says nothing of the others: undefined.
   */
  private keepingAccess(): number | undefined {
    const { snapshot, state } = this.input;
    if (snapshot.mode !== 'full') return undefined;
    let n = 0;
    for (const r of snapshot.records) {
      const stored = state.digests.get(r.externalId);
      if (stored && !stored.gone && hasAccess(lifecycleState(r.attributes, this.dayOf(r.attributes), false))) n++;
    }
    return n;
  }

  /** Removals, reactivations and changes of one attribute beyond the limits hold the whole run. */
  private checkHold(state: RunState): void {
    const mass = massChanges(this.result.steps, previousPopulation(state) || this.result.counts.seen, this.input.settings.safety, this.keepingAccess());
    this.result.holdReason = mass.reasons.length ? mass.reasons.join('; ') : null;
  }
}

function previousPopulation(state: RunState): number {
  let n = 0;
  for (const d of state.digests.values()) if (!d.gone) n++;
  return n;
}

function actionOf(before: Identity | null, after: Identity): ChangeAction {
  if (!before) return 'identity.create';
  if (before.state !== after.state) return transitionAction(before.state, after.state) as ChangeAction;
  return 'identity.update';
}

const CREATE_DIFF_PENDING: IdentityDiff = Object.freeze({
  attributes: Object.freeze({}),
  provenance: Object.freeze({}),
  state: null,
  entitlementsAdded: Object.freeze([]) as unknown as IdentityDiff['entitlementsAdded'],
  entitlementsRemoved: Object.freeze([]) as unknown as IdentityDiff['entitlementsRemoved'],
  links: false,
}) as IdentityDiff;

/**
 * The step's change as a report shows it: a create gets its full diff, in place, so the uidNumber
 * the commit assigns later shows in the report too.
 */
export function reportable(step: PlanStep): PersonChange | null {
  const change = step.change;
  if (change && change.diff === CREATE_DIFF_PENDING) change.diff = diffIdentities(null, step.after as Identity);
  return change;
}

/** Tallies what the applied steps did, by action. */
export function countChanges(counts: SyncRunCounts, changes: PersonChange[]): void {
  for (const c of changes) {
    if (c.action === 'identity.create') counts.created++;
    else if (c.action === 'identity.terminate') counts.terminated++;
    else if (c.action === 'identity.suspend') counts.suspended++;
    else if (c.action === 'identity.rehire' || c.action === 'identity.reactivate') counts.reactivated++;
    else counts.updated++;
  }
}
