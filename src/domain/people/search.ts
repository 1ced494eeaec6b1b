// How the helpdesk finds a person: by name (display, given, family), username, employee id or
// mail, case-insensitively. An exact key beats a key that starts with the query, which beats a
// key that merely contains it; within a rank, people sort by name.
import type { Identity, LifecycleState } from '../types';

export const SEARCH_LIMIT = 20;

/** What a search result shows of a person. */
export interface PersonHit {
  username: string;
  displayName: string;
  state: LifecycleState;
  employeeId: string | null;
  mail: string | null;
}

export type MatchRank = 'exact' | 'prefix' | 'substring';

export const RANK_ORDER: Record<MatchRank, number> = { exact: 0, prefix: 1, substring: 2 };

/** One person as the index holds them: the hit it shows and the lower-cased keys it matches. */
export interface SearchEntry {
  id: string;
  hit: PersonHit;
  /** lower-cased, distinct: username, employee id, mail, display, given and family name, each word of the names */
  keys: string[];
  /** lower-cased display name then username: the order within a rank */
  sortKey: string;
}

export function displayNameOf(i: Pick<Identity, 'attributes' | 'username'>): string {
  const a = i.attributes;
  const joined = [a.givenName, a.sn].filter((v): v is string => !!v).join(' ');
  return a.displayName || joined || i.username;
}

export function searchEntryOf(i: Identity): SearchEntry {
  const a = i.attributes;
  const displayName = displayNameOf(i);
  const names = [displayName, a.givenName, a.sn].filter((v): v is string => !!v);
  const words = names.flatMap((n) => n.split(/\s+/));
  const raw = [i.username, i.employeeId, a.mail, ...names, ...words].filter((v): v is string => !!v && v.trim() !== '');
  const keys = [...new Set(raw.map(normalizeQuery))].filter((k) => k !== '');
  return {
    id: i.id,
    hit: { username: i.username, displayName, state: i.state, employeeId: i.employeeId, mail: a.mail ?? null },
    keys,
    sortKey: `${displayName.toLowerCase()}\u0000${i.username.toLowerCase()}`,
  };
}

/** Lower-cased, control characters dropped, trimmed, runs of space collapsed: what keys and queries are compared as. */
export function normalizeQuery(q: string): string {
  let printable = '';
  for (const ch of q) printable += ch.charCodeAt(0) < 32 || ch === '\u007f' ? ' ' : ch;
  return printable.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** The best way any of the entry's keys matches `q` (already normalised), or null. */
export function matchRank(entry: Pick<SearchEntry, 'keys'>, q: string): MatchRank | null {
  let best: MatchRank | null = null;
  for (const k of entry.keys) {
    if (k === q) return 'exact';
    if (k.startsWith(q)) best = 'prefix';
    else if (best === null && k.includes(q)) best = 'substring';
  }
  return best;
}

export interface RankedEntry {
  entry: SearchEntry;
  rank: MatchRank;
}

export function compareRanked(a: RankedEntry, b: RankedEntry): number {
  return RANK_ORDER[a.rank] - RANK_ORDER[b.rank] || (a.entry.sortKey < b.entry.sortKey ? -1 : a.entry.sortKey > b.entry.sortKey ? 1 : 0);
}

/** The plain scan: every entry ranked, best first, at most `limit`. The index answers the same, faster. */
export function rankEntries(entries: Iterable<SearchEntry>, query: string, limit = SEARCH_LIMIT): RankedEntry[] {
  const q = normalizeQuery(query);
  if (!q) return [];
  const out: RankedEntry[] = [];
  for (const entry of entries) {
    const rank = matchRank(entry, q);
    if (rank) out.push({ entry, rank });
  }
  return out.sort(compareRanked).slice(0, limit);
}
