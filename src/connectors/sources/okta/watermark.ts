// The okta watermark: the latest lastUpdated seen among users, and, when groups are read, the latest
// lastUpdated / lastMembershipUpdated seen among groups, each from its own listing (Okta stamps
// users and groups apart). Written as a plain timestamp when groups are not read, which is also
// how watermarks saved before groups existed read.

export interface OktaWatermark {
  users: string | null;
  /** null: groups were not read from this watermark (yet) */
  groups: string | null;
}

export function parseOktaWatermark(raw: string | null): OktaWatermark {
  if (!raw) return { users: null, groups: null };
  if (!raw.startsWith('{')) return { users: raw, groups: null };
  try {
    const w = JSON.parse(raw);
    return { users: typeof w?.users === 'string' ? w.users : null, groups: typeof w?.groups === 'string' ? w.groups : null };
  } catch {
    return { users: null, groups: null };
  }
}

export function formatOktaWatermark(w: OktaWatermark, withGroups: boolean): string | null {
  return withGroups ? JSON.stringify(w) : w.users;
}

export function later(a: string | null, b: unknown): string | null {
  return typeof b === 'string' && (!a || b > a) ? b : a;
}

/** The earliest of the given timestamps, null when none is given. */
export function earliest(values: Array<string | null>): string | null {
  return values.reduce<string | null>((min, v) => (v !== null && (min === null || v < min) ? v : min), null);
}
