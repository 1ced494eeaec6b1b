import { removesAccess, restoresAccess } from '../../domain/lifecycle';
import { attributeHoldReason, holdReason, reactivationHoldReason, type AttributeChangeCount, type SafetyLimits } from '../../domain/safety';
import type { PlanStep } from './plan-run';

/** What one run would do in bulk that the safety limits forbid without a person's say. */
export interface MassChanges {
  /** one sentence per limit crossed */
  reasons: string[];
  removals: boolean;
  reactivations: boolean;
  /** attributes changed for too many people */
  attributes: Set<string>;
}

/**
 * Counts removals, reactivations and per-attribute changes of existing people against the limits.
 * `keepingAccess` (people in the read who had access and keep it) makes removals count against the
 * people who had access, not every stored record: a source that lists its leavers too (Okta's
 * DEPROVISIONED users, Google's deleted ones, HR files keeping old rows) would otherwise make an
 * empty list of active people look like a few percent of removals.
 */
export function massChanges(steps: PlanStep[], population: number, limits: SafetyLimits, keepingAccess?: number): MassChanges {
  let removals = 0;
  let reactivations = 0;
  const perAttribute = new Map<string, AttributeChangeCount>();
  for (const step of steps) {
    const change = step.change;
    if (!change || !step.before) continue;
    const state = change.diff.state;
    if (state && removesAccess(state.before, state.after)) removals++;
    if (state && restoresAccess(state.before, state.after)) reactivations++;
    for (const [attribute, value] of Object.entries(change.diff.attributes)) {
      if (value.before === null) continue;
      const count = perAttribute.get(attribute) ?? { attribute, changed: 0, cleared: 0 };
      count.changed++;
      if (value.after === null) count.cleared++;
      perAttribute.set(attribute, count);
    }
  }
  const reasons: string[] = [];
  const hadAccess = keepingAccess === undefined ? population : Math.min(population, keepingAccess + removals);
  const removalReason = holdReason(removals, hadAccess, limits);
  if (removalReason) reasons.push(removalReason);
  const reactivationReason = reactivationHoldReason(reactivations, population, limits);
  if (reactivationReason) reasons.push(reactivationReason);
  const attributes = new Set<string>();
  for (const count of [...perAttribute.values()].sort((a, b) => a.attribute.localeCompare(b.attribute))) {
    const reason = attributeHoldReason(count, population, limits);
    if (!reason) continue;
    reasons.push(reason);
    attributes.add(count.attribute);
  }
  return { reasons, removals: !!removalReason, reactivations: !!reactivationReason, attributes };
}

/** Whether a step is part of a mass change that crossed a limit. */
export function partOf(mass: MassChanges, step: PlanStep): boolean {
  const change = step.change;
  if (!change || !step.before) return false;
  const state = change.diff.state;
  if (mass.reactivations && state && restoresAccess(state.before, state.after)) return true;
  if (mass.removals && state && removesAccess(state.before, state.after)) return true;
  return Object.entries(change.diff.attributes).some(([attribute, value]) => value.before !== null && mass.attributes.has(attribute));
}
