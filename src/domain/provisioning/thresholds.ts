// Never delete on doubt: a batch that would disable or delete more accounts than a target allows is held.

export interface RemovalThreshold {
  maxRemovals: number;
  maxRemovalPercent: number;
}

export interface ThresholdVerdict {
  hold: boolean;
  reason: string | null;
}

/** `removals` disables+deletes the batch would cause; `population` accounts the target holds now. */
export function removalVerdict(target: string, removals: number, population: number, t: RemovalThreshold): ThresholdVerdict {
  if (removals === 0) return { hold: false, reason: null };
  if (removals > t.maxRemovals) {
    return { hold: true, reason: `${removals} disables/deletes in ${target} exceed maxRemovals ${t.maxRemovals}` };
  }
  const percent = population > 0 ? (removals / population) * 100 : 100;
  // a small target (under 10 accounts) is judged by count alone: one leaver out of 3 is not a mass removal
  if (population >= 10 && percent > t.maxRemovalPercent) {
    return {
      hold: true,
      reason: `${removals} disables/deletes in ${target} are ${percent.toFixed(1)}% of ${population} accounts, over maxRemovalPercent ${t.maxRemovalPercent}`,
    };
  }
  return { hold: false, reason: null };
}
