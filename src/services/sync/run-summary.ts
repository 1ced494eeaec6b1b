// What a held run would do, short enough for a person deciding whether to allow it: how many
// people it creates, updates, terminates and takes access from, and the first few of them.
import { changeLines } from './plan-text';
import type { PersonChange } from './types';

/** One person a held run affects and what happens to them, as plan lines (`- terminate jdoe`). */
export interface AffectedPerson {
  username: string;
  lines: string[];
  removesAccess: boolean;
}

export interface HeldRunSummary {
  creates: number;
  updates: number;
  terminations: number;
  suspensions: number;
  /** people who lose an access: terminated, suspended, or an entitlement taken away */
  accessRemovals: number;
  /** people affected in all */
  people: number;
  /** the first of them, those losing access first (what the run was held for) */
  first: AffectedPerson[];
}

export const FIRST_PEOPLE = 10;

/** Pure over the changes a preview reported: counts all of them, lists the first `limit`. */
export function summariseChanges(changes: readonly PersonChange[], limit = FIRST_PEOPLE): HeldRunSummary {
  const summary: HeldRunSummary = { creates: 0, updates: 0, terminations: 0, suspensions: 0, accessRemovals: 0, people: changes.length, first: [] };
  for (const c of changes) {
    if (c.action === 'identity.create') summary.creates++;
    else if (c.action === 'identity.terminate') summary.terminations++;
    else if (c.action === 'identity.suspend') summary.suspensions++;
    else summary.updates++;
    if (c.removesAccess) summary.accessRemovals++;
  }
  // a stable order: removals in the order the run met them, then everyone else in that order
  const ordered = [...changes.filter((c) => c.removesAccess), ...changes.filter((c) => !c.removesAccess)];
  summary.first = ordered.slice(0, limit).map((c) => ({ username: c.username, lines: personLines(c), removesAccess: c.removesAccess }));
  return summary;
}

function personLines(c: PersonChange): string[] {
  const lines = changeLines(c);
  // a change of links or provenance alone has no plan line of its own
  return lines.length ? lines : [`~ ${c.username} (sources or provenance only)`];
}
