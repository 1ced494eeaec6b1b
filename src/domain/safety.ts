/** Thresholds of one source (config `safety`). */
export interface SafetyLimits {
  maxRemovals: number;
  maxRemovalPercent: number;
  minPopulationRatio: number;
  /** per attribute; absent in runs staged before these limits existed */
  maxAttributeChanges?: number;
  maxAttributeChangePercent?: number;
  attributeChangeFloor?: number;
  /** group limits apply above this many removed memberships or emptied groups; absent in older staged runs */
  groupChangeFloor?: number;
}

/**
 * A full export much smaller than the last population is far more likely a truncated file than a
 * mass exodus, so it counts as incomplete. Returns the reason, or null when the size is plausible.
 */
export function populationCollapse(previous: number, current: number, limits: SafetyLimits): string | null {
  if (previous === 0) return null;
  if (current >= previous * limits.minPopulationRatio) return null;
  return `population collapsed: ${current} records against ${previous} last time (below ${limits.minPopulationRatio * 100}% of it)`;
}

/** Why a run that removes access from `removals` of `population` people must wait for a person, or null. */
export function holdReason(removals: number, population: number, limits: SafetyLimits): string | null {
  return beyondLimit('terminate or suspend', removals, population, limits.maxRemovals, limits.maxRemovalPercent);
}

/**
 * Giving access back to many people at once (a lost status column, an export that says everyone
 * is active) is as suspect as taking it away, so reactivations and rehires meet the same limits.
 */
export function reactivationHoldReason(reactivations: number, population: number, limits: SafetyLimits): string | null {
  return beyondLimit('reactivate or rehire', reactivations, population, limits.maxRemovals, limits.maxRemovalPercent);
}

/** How many people one run changes one attribute for; `cleared` of them lose its value. */
export interface AttributeChangeCount {
  attribute: string;
  changed: number;
  cleared: number;
}

/**
 * Why changing one attribute for this many people must wait for a person, or null. Only a value
 * that existed counts (changed or cleared): filling in an attribute nobody had takes nothing away.
 * The percentage applies above a floor, because a few changes in a small source are no mass change.
 */
export function attributeHoldReason(c: AttributeChangeCount, population: number, limits: SafetyLimits): string | null {
  const max = limits.maxAttributeChanges ?? Infinity;
  const percentLimit = c.changed > (limits.attributeChangeFloor ?? 0) ? (limits.maxAttributeChangePercent ?? 100) : 100;
  const what = `change attribute "${c.attribute}"${c.cleared ? ` (clearing it for ${c.cleared})` : ''} for`;
  return beyondLimit(what, c.changed, population, max, percentLimit);
}

function beyondLimit(what: string, n: number, population: number, max: number, maxPercent: number): string | null {
  if (n > max) return `run would ${what} ${n} people, more than the limit of ${max}`;
  const percent = population > 0 ? (n * 100) / population : 0;
  if (percent > maxPercent) {
    return `run would ${what} ${n} of ${population} people (${percent.toFixed(1)}%), more than the limit of ${maxPercent}%`;
  }
  return null;
}

/** What one run does to a source's groups, counted against the people limits. */
export interface GroupRemovalCount {
  membershipsBefore: number;
  membersRemoved: number;
  groupsBefore: number;
  /** groups that lose their last member or are deleted */
  groupsEmptied: number;
}

const DEFAULT_GROUP_FLOOR = 10;

/**
 * Why a run that takes members out of groups, or empties and deletes groups, must wait for a
 * person. Counts at or below the floor never hold (a few leavers in tiny groups are no mass change).
 */
export function groupHoldReasons(c: GroupRemovalCount, limits: SafetyLimits): string[] {
  const floor = limits.groupChangeFloor ?? DEFAULT_GROUP_FLOOR;
  const reasons: string[] = [];
  const check = (what: string, n: number, population: number, unit: string) => {
    if (n <= floor) return;
    if (n > limits.maxRemovals) return void reasons.push(`run would ${what} ${n} ${unit}, more than the limit of ${limits.maxRemovals}`);
    const percent = population > 0 ? (n * 100) / population : 100;
    if (percent > limits.maxRemovalPercent) {
      reasons.push(`run would ${what} ${n} of ${population} ${unit} (${percent.toFixed(1)}%), more than the limit of ${limits.maxRemovalPercent}%`);
    }
  };
  check('remove', c.membersRemoved, c.membershipsBefore, 'group memberships');
  check('empty or delete', c.groupsEmptied, c.groupsBefore, 'groups');
  return reasons;
}
