/** Thresholds of one source (config `safety`). */
export interface SafetyLimits {
  maxRemovals: number;
  maxRemovalPercent: number;
  minPopulationRatio: number;
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
  if (removals > limits.maxRemovals) {
    return `run would terminate or suspend ${removals} people, more than the limit of ${limits.maxRemovals}`;
  }
  const percent = population > 0 ? (removals * 100) / population : 0;
  if (percent > limits.maxRemovalPercent) {
    return `run would terminate or suspend ${removals} of ${population} people (${percent.toFixed(1)}%), more than the limit of ${limits.maxRemovalPercent}%`;
  }
  return null;
}
