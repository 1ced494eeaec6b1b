import type { PersonChange } from './types';
import type { RunPlan } from './plan-run';
import { groupLines } from './group-changes';

const show = (v: string | null): string => (v === null ? '(none)' : v);

/** The dry-run plan a person reads before letting a run loose. */
export function planLines(plan: RunPlan): string[] {
  const lines: string[] = [];
  for (const step of plan.steps) if (step.change) lines.push(...changeLines(step.change));
  for (const { dispute } of plan.disputes) {
    lines.push(`! dispute ${dispute.externalId}: ${dispute.rule} matches ${dispute.candidates.length} identities (${dispute.candidates.join(', ')})`);
  }
  if (plan.groups) lines.push(...groupLines(plan.groups));
  for (const change of plan.deferred) lines.push(...changeLines(change).map((l) => `(deferred, run incomplete) ${l}`));
  return lines;
}

export function changeLines(c: PersonChange): string[] {
  const who = c.username;
  const lines: string[] = [];
  if (c.action === 'identity.create') lines.push(`+ create ${who} (${c.employeeId ?? c.externalId})`);
  else if (c.action === 'identity.rehire') lines.push(`+ rehire ${who} (${c.employeeId ?? c.externalId})`);
  else if (c.action === 'identity.terminate') lines.push(`- terminate ${who}`);
  else if (c.action === 'identity.suspend') lines.push(`- suspend ${who}`);
  else if (c.action !== 'identity.update') lines.push(`~ ${c.action.replace('identity.', '')} ${who}`);
  if (c.action === 'identity.create') return lines;
  for (const [attr, v] of Object.entries(c.diff.attributes)) lines.push(`~ ${who} ${attr}: ${show(v.before)} -> ${show(v.after)}`);
  for (const e of c.diff.entitlementsAdded) lines.push(`~ ${who} +${e.kind} ${e.name}`);
  for (const e of c.diff.entitlementsRemoved) lines.push(`~ ${who} -${e.kind} ${e.name}`);
  return lines;
}
