// Active Directory or OpenLDAP as a source. A full read lists every person (and group) under the
// configured bases; an incremental read asks only for entries changed since the watermark
// (OpenLDAP modifyTimestamp, AD uSNChanged on the same DC). Deletions are invisible to an
// incremental search, so every `fullEvery` runs a full read lets the store find leavers.
import type { Client } from 'ldapts';
import { escapeFilter } from 'ldapts';
import type { RawGroup, RawRecord, SourceConnector, SourceProblem, SourceReadContext, SourceSnapshot } from '../../../ports/source-connector';
import { objectGuidFilterValue } from './ad';
import { connect, describe, pagedSearch, readDomainController, PageError } from './client';
import type { LdapSourceConfig } from './config';
import { AD_STATE_ATTRIBUTES, FLAVORS, GROUP_ATTRIBUTES, mappingOf } from './defaults';
import { externalIdOf, normDN, textOf, toGroup, toRecord, type Entry } from './entries';
import { higherUsn, laterTime, parseWatermark, type LdapWatermark } from './watermark';

export interface LdapSourceDeps {
  baseDir: string;
  log?: { info?(obj: object, msg?: string): void; warn?(obj: object, msg?: string): void };
}

interface Plan {
  full: boolean;
  why: string;
  previous: LdapWatermark | null;
  dc: string | undefined;
  /** AD: the DC's highest USN before the read; anything changed while reading is above it */
  usnBefore: number | null;
}

export class LdapSource implements SourceConnector {
  readonly kind = 'ldap';
  readonly name: string;
  readonly authoritative: boolean;
  private readonly flavor;
  private readonly mapping: Record<string, string>;

  constructor(private readonly cfg: LdapSourceConfig, private readonly deps: LdapSourceDeps) {
    this.name = cfg.name;
    this.authoritative = cfg.authoritative;
    this.flavor = FLAVORS[cfg.flavor];
    this.mapping = mappingOf(cfg);
  }

  async read(ctx: SourceReadContext): Promise<SourceSnapshot> {
    let client: Client;
    try {
      client = await connect(this.cfg, this.deps.baseDir);
    } catch (err) {
      return this.incomplete(ctx.watermark, (err as Error).message, 'full');
    }
    try {
      const plan = await this.plan(client, ctx.watermark);
      this.deps.log?.info?.({ source: this.name, mode: plan.full ? 'full' : 'delta', why: plan.why }, 'ldap source read');
      return await this.readWith(client, plan, ctx.watermark);
    } catch (err) {
      const reason = err instanceof PageError ? err.message : `read of ${this.cfg.url} failed: ${describe(err)}`;
      return this.incomplete(ctx.watermark, reason, parseWatermark(ctx.watermark, this.cfg.flavor) ? 'delta' : 'full');
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  async readOne(externalId: string): Promise<RawRecord | null> {
    const client = await connect(this.cfg, this.deps.baseDir);
    try {
      const idFilter = this.cfg.flavor === 'ad' ? `(objectGUID=${objectGuidFilterValue(externalId)})` : escapeFilter`(entryUUID=${externalId})`;
      const { searchEntries } = await client.search(this.cfg.baseDN, { scope: 'sub', filter: `(&${this.userFilter()}${idFilter})`, attributes: this.userAttributes(), explicitBufferAttributes: this.binary() });
      const entry = searchEntries[0] as Entry | undefined;
      if (!entry) return null;
      const managerDN = textOf(entry, this.mapping.manager ?? 'manager');
      const managerId = managerDN ? await this.idOfDN(client, managerDN) : undefined;
      const mapped = toRecord(this.cfg, this.mapping, entry, () => managerId);
      if (!mapped.ok) throw new Error(`${entry.dn}: ${mapped.message}`);
      return mapped.record;
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  private async plan(client: Client, raw: string | null): Promise<Plan> {
    const previous = parseWatermark(raw, this.cfg.flavor);
    const controller = this.cfg.flavor === 'ad' ? await readDomainController(client) : null;
    const base = { previous, dc: controller?.id, usnBefore: controller?.highestCommittedUSN ?? null };
    if (!previous || previous.mark === null) return { ...base, full: true, why: raw ? 'the watermark is unusable' : 'no watermark yet' };
    if (controller && previous.dc !== controller.id) return { ...base, full: true, why: `domain controller changed (${previous.dc} -> ${controller.id}): USNs are per DC` };
    if (previous.sinceFull + 1 >= this.cfg.fullEvery) return { ...base, full: true, why: `periodic full read (fullEvery ${this.cfg.fullEvery})` };
    return { ...base, full: false, why: `changes since ${previous.mark}` };
  }

  private async readWith(client: Client, plan: Plan, rawWatermark: string | null): Promise<SourceSnapshot> {
    const since = plan.full ? null : this.changedSince(plan.previous!.mark!);
    const people = await this.collect(client, this.cfg.baseDN, this.userFilter(), since, this.userAttributes(), 'people');
    const groupEntries = this.cfg.groupsDN ? await this.collect(client, this.cfg.groupsDN, this.groupFilter(), since, [...GROUP_ATTRIBUTES, ...this.idAndChange()], 'groups') : null;
    const index = plan.full ? indexOf(this.cfg, people, groupEntries ?? []) : await this.fullIndex(client, people, groupEntries);
    const problems: SourceProblem[] = [];
    const records: RawRecord[] = [];
    for (const e of people) {
      const mapped = toRecord(this.cfg, this.mapping, e, (dn) => index.people.get(normDN(dn)));
      if (mapped.ok) records.push(mapped.record);
      else problems.push({ location: e.dn, message: mapped.message });
    }
    const groups: RawGroup[] = [];
    for (const e of groupEntries ?? []) {
      const g = toGroup(this.cfg, e, (dn) => index.people.get(normDN(dn)), (dn) => index.groups.get(normDN(dn)));
      if (g) groups.push(g);
      else problems.push({ location: e.dn, message: `group without a usable ${this.flavor.idAttribute}` });
    }
    const watermark = this.nextWatermark(plan, [...people, ...(groupEntries ?? [])]);
    const base = { mode: plan.full ? 'full' : 'delta', records, problems, ...(groupEntries ? { groups } : {}), ...(plan.full ? {} : { removed: [] }) } as const;
    if (problems.length) {
      return { ...base, complete: false, incompleteReason: `${problems.length} entr(y/ies) without a usable id or state, first ${problems[0].location}: ${problems[0].message}`, watermark: rawWatermark };
    }
    return { ...base, complete: true, incompleteReason: null, watermark: JSON.stringify(watermark) };
  }

  private async collect(client: Client, base: string, filter: string, since: string | null, attributes: string[], what: string): Promise<Entry[]> {
    const out: Entry[] = [];
    const query = { base, filter: since ? `(&${filter}${since})` : filter, attributes, pageSize: this.cfg.pageSize, binary: this.binary() };
    for await (const page of pagedSearch(client, query, `${what} under ${base}`)) out.push(...page);
    return out;
  }

  /** A delta names member and manager DNs of entries it did not read: resolve them by an id-only listing. */
  private async fullIndex(client: Client, people: Entry[], groups: Entry[] | null): Promise<Index> {
    const needed = (groups?.length ?? 0) > 0 || people.some((e) => textOf(e, this.mapping.manager ?? 'manager'));
    if (!needed) return { people: new Map(), groups: new Map() };
    const ids = this.idAndChange();
    const allPeople = await this.collect(client, this.cfg.baseDN, this.userFilter(), null, ids, 'people ids');
    const allGroups = this.cfg.groupsDN ? await this.collect(client, this.cfg.groupsDN, this.groupFilter(), null, ids, 'group ids') : [];
    return indexOf(this.cfg, allPeople, allGroups);
  }

  private async idOfDN(client: Client, dn: string): Promise<string | undefined> {
    const found = await client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: [this.flavor.idAttribute], explicitBufferAttributes: this.binary() }).catch(() => null);
    const e = found?.searchEntries[0] as Entry | undefined;
    return e ? (externalIdOf(this.cfg, e) ?? undefined) : undefined;
  }

  private changedSince(mark: string): string {
    if (this.cfg.flavor === 'ad') return `(uSNChanged>=${BigInt(mark) + 1n})`;
    if (!/^\d{14}(\.\d+)?Z$/.test(mark)) throw new Error(`watermark time "${mark}" is not a generalized time`);
    return `(modifyTimestamp>=${mark})`;
  }

  private nextWatermark(plan: Plan, entries: Entry[]): LdapWatermark {
    let mark = plan.previous?.mark ?? null;
    if (plan.full) mark = null;
    for (const e of entries) {
      const seen = textOf(e, this.flavor.changeAttribute);
      mark = this.cfg.flavor === 'ad' ? higherUsn(mark, seen) : laterTime(mark, seen);
    }
    // USNs are taken from the DC before the read when it says; changes made while paging are above it
    if (plan.usnBefore !== null) mark = String(plan.usnBefore);
    return { flavor: this.cfg.flavor, mark, ...(plan.dc !== undefined ? { dc: plan.dc } : {}), sinceFull: plan.full ? 0 : plan.previous!.sinceFull + 1 };
  }

  private incomplete(watermark: string | null, reason: string, mode: 'full' | 'delta'): SourceSnapshot {
    return { mode, complete: false, records: [], problems: [{ location: this.cfg.url, message: reason }], incompleteReason: reason, watermark };
  }

  private userFilter(): string {
    return this.cfg.filter ?? this.flavor.userFilter;
  }

  private groupFilter(): string {
    return this.cfg.groupFilter ?? this.flavor.groupFilter;
  }

  private idAndChange(): string[] {
    return [this.flavor.idAttribute, this.flavor.changeAttribute];
  }

  private userAttributes(): string[] {
    const state = this.cfg.flavor === 'ad' ? AD_STATE_ATTRIBUTES : [];
    return [...new Set([...this.idAndChange(), ...Object.values(this.mapping), ...state])];
  }

  private binary(): string[] {
    return this.cfg.flavor === 'ad' ? ['objectGUID'] : [];
  }
}

interface Index {
  people: Map<string, string>;
  groups: Map<string, string>;
}

function indexOf(cfg: LdapSourceConfig, people: Entry[], groups: Entry[]): Index {
  const index: Index = { people: new Map(), groups: new Map() };
  for (const e of people) {
    const id = externalIdOf(cfg, e);
    if (id) index.people.set(normDN(e.dn), id);
  }
  for (const e of groups) {
    const id = externalIdOf(cfg, e);
    if (id) index.groups.set(normDN(e.dn), id);
  }
  return index;
}
