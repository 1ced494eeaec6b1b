import { CorrelationIndex } from '../../domain/correlation';
import type { Dispute, Identity, SourceRecord } from '../../domain/types';
import type { IdentityStore } from '../../ports/identity-store';

/** Everything a run reads from the store, loaded once so the run itself never awaits per person. */
export interface RunState {
  records: Map<string, SourceRecord>;
  identities: Map<string, Identity>;
  /** records of other sources linked to identities, keyed by recordKey */
  otherRecords: Map<string, SourceRecord>;
  groups: Set<string>;
  /** open disputes of this source by external id */
  openDisputes: Map<string, Dispute>;
  /** built on first use: a run where every record is already linked never needs it */
  index: LazyIndex;
  /** every username ever assigned, lower-cased: never handed out again (built on first use) */
  takenUsernames: () => Set<string>;
}

/** The correlation index over the run's identities, built only when a record needs correlating. */
export class LazyIndex {
  private built: CorrelationIndex | null = null;

  constructor(private readonly identities: Map<string, Identity>) {}

  get(): CorrelationIndex {
    if (!this.built) {
      this.built = new CorrelationIndex();
      for (const identity of this.identities.values()) this.built.add(identity.id, correlationAttributes(identity));
    }
    return this.built;
  }

  /** keeps a built index in step; an unbuilt one reads the identities map when it is built */
  replace(before: Identity | null, after: Identity): void {
    if (!this.built) return;
    if (before) this.built.remove(before.id, correlationAttributes(before));
    this.built.add(after.id, correlationAttributes(after));
  }
}

export const recordKey = (source: string, externalId: string): string => `${source}\u0000${externalId}`;

export async function loadRunState(store: IdentityStore, source: string): Promise<RunState> {
  const [records, identities, groups, disputes] = await Promise.all([
    store.listSourceRecords(source),
    store.listIdentities(),
    store.listGroups(),
    store.listDisputes(true),
  ]);
  const byId = new Map<string, Identity>();
  let taken: Set<string> | null = null;
  const state: RunState = {
    records: new Map(records.map((r) => [r.externalId, r])),
    identities: byId,
    otherRecords: new Map(),
    groups: new Set(groups.map((g) => g.name)),
    openDisputes: new Map(disputes.filter((d) => d.source === source).map((d) => [d.externalId, d])),
    index: new LazyIndex(byId),
    takenUsernames: () => (taken ??= new Set([...byId.values()].map((i) => i.username.toLowerCase()))),
  };
  const otherSources = new Set<string>();
  for (const identity of identities) {
    shareProvenance(identity);
    byId.set(identity.id, identity);
    for (const link of identity.links) if (link.source !== source) otherSources.add(link.source);
  }
  for (const other of otherSources) {
    for (const r of await store.listSourceRecords(other)) state.otherRecords.set(recordKey(other, r.externalId), r);
  }
  return state;
}

/**
 * Most attributes of an identity come from the same record by the same rule; one shared object for
 * them instead of one per attribute keeps 100,000 loaded identities well inside the memory budget.
 */
function shareProvenance(identity: Identity): void {
  const provenance = identity.provenance;
  let previous: Identity['provenance'][string] | null = null;
  for (const key of Object.keys(provenance)) {
    const p = provenance[key];
    if (previous && p.source === previous.source && p.externalId === previous.externalId && p.rule === previous.rule) provenance[key] = previous;
    else previous = p;
  }
}

/** The identity's own employee id wins over the attribute, which a lower-ranked source may lack. */
export function correlationAttributes(identity: Identity): Identity['attributes'] {
  return { employeeId: identity.employeeId, mail: identity.attributes.mail ?? null };
}
