// LDAP / Active Directory target through ldapts. The account's external id is its DN. Disabled
// accounts are marked (AD: userAccountControl 514; OpenLDAP: a configurable attribute and value)
// and, when disabledDN is set, moved there; re-enabling moves them back.
import {
  AlreadyExistsError,
  Attribute,
  Change,
  Client,
  NoSuchAttributeError,
  NoSuchObjectError,
  TypeOrValueExistsError,
  escapeFilter,
} from 'ldapts';
import { PermanentTargetError, type ActualAccount, type DesiredAccount, type TargetConnector } from '../../../ports/target-connector';
import { changedAttributes, groupChanges } from '../attributes';
import type { LdapTargetConfig } from './config';
import {
  LDAP_MANAGED,
  UAC_DISABLED,
  UAC_NORMAL,
  attributeFor,
  escapeDnValue,
  namingAttribute,
  newEntry,
  readAttributes,
  toAccount,
  userDN,
  type RawEntry,
} from './entry';
import { mapLdapError } from './errors';
import { LdapGroups, normDN } from './groups';

export class LdapTargetConnector implements TargetConnector {
  readonly kind = 'ldap';
  readonly name: string;
  private connecting: Promise<Client> | null = null;
  private readonly groups: LdapGroups;

  constructor(private readonly cfg: LdapTargetConfig) {
    this.name = cfg.name;
    this.groups = new LdapGroups(cfg);
  }

  async lookup(userName: string, externalId: string | null): Promise<ActualAccount | null> {
    return this.run(`lookup ${userName}`, (c) => this.find(c, userName, externalId));
  }

  async create(desired: DesiredAccount): Promise<ActualAccount> {
    const existing = await this.lookup(desired.userName, null);
    if (existing) return this.update(existing, desired);
    const parent = !desired.active && this.cfg.disabledDN ? this.cfg.disabledDN : this.cfg.usersDN;
    const dn = userDN(this.cfg, desired.userName, parent);
    const added = await this.run(`create ${dn}`, async (c) => {
      try {
        await c.add(dn, newEntry(this.cfg, desired));
        return true;
      } catch (err) {
        if (err instanceof AlreadyExistsError) return false; // created concurrently: adopt below
        throw err;
      }
    });
    if (!added) return this.update((await this.lookup(desired.userName, dn))!, desired);
    await this.run(`groups of ${dn}`, async (c) => {
      for (const g of desired.groups) await this.groups.addMember(c, g, dn);
    });
    return (await this.lookup(desired.userName, dn))!;
  }

  async update(actual: ActualAccount, desired: DesiredAccount): Promise<ActualAccount> {
    return this.run(`update ${actual.externalId}`, async (c) => {
      const changes = this.attributeChanges(actual, desired);
      if (changes.length) await c.modify(actual.externalId, changes);
      if (actual.active !== desired.active) await this.setActive(c, actual.externalId, desired.active);
      const dn = await this.placeFor(c, actual.externalId, desired.active);
      const { add, remove } = groupChanges(actual.groups, desired.groups);
      for (const g of add) await this.groups.addMember(c, g, dn);
      for (const g of remove) await this.groups.removeMember(c, g, dn);
      return this.mustFind(c, actual.userName, dn);
    });
  }

  async disable(actual: ActualAccount): Promise<ActualAccount> {
    return this.run(`disable ${actual.externalId}`, async (c) => {
      if (actual.active) await this.setActive(c, actual.externalId, false);
      const dn = await this.placeFor(c, actual.externalId, false);
      return this.mustFind(c, actual.userName, dn);
    });
  }

  async remove(actual: ActualAccount): Promise<void> {
    await this.run(`remove ${actual.externalId}`, async (c) => {
      for (const g of await this.groups.groupsOf(c, actual.externalId)) await this.groups.removeMember(c, g, actual.externalId);
      try {
        await c.del(actual.externalId);
      } catch (err) {
        if (!(err instanceof NoSuchObjectError)) throw err; // already gone is what we wanted
      }
    });
  }

  async *list(): AsyncIterable<ActualAccount> {
    const client = await this.connect();
    let membership: Map<string, string[]>;
    try {
      membership = await this.groups.membershipIndex(client);
    } catch (err) {
      throw this.fail(err, 'list groups');
    }
    for (const base of this.bases()) {
      const pages = client.searchPaginated(base, { scope: 'sub', filter: this.personFilter(), attributes: readAttributes(this.cfg), paged: { pageSize: this.cfg.pageSize } });
      try {
        for await (const page of pages) {
          for (const e of page.searchEntries) yield toAccount(this.cfg, e as RawEntry, membership.get(normDN(e.dn)) ?? []);
        }
      } catch (err) {
        if (err instanceof NoSuchObjectError) continue; // disabledDN not created yet
        throw this.fail(err, `list ${base}`);
      }
    }
  }

  async close(): Promise<void> {
    const pending = this.connecting;
    this.connecting = null;
    const c = await pending?.catch(() => null);
    await c?.unbind().catch(() => undefined);
  }

  private bases(): string[] {
    return this.cfg.disabledDN ? [this.cfg.usersDN, this.cfg.disabledDN] : [this.cfg.usersDN];
  }

  private personFilter(extra = ''): string {
    const cls = this.cfg.flavor === 'ad' ? '(objectClass=user)' : '(objectClass=inetOrgPerson)';
    return `(&${cls}${extra})`;
  }

  private async find(c: Client, userName: string, externalId: string | null): Promise<ActualAccount | null> {
    if (externalId) {
      const byDN = await this.searchOrNull(c, externalId, 'base', this.personFilter());
      if (byDN.length) return this.withGroups(c, byDN[0]);
    }
    const hits: RawEntry[] = [];
    for (const base of this.bases()) {
      // uid / sAMAccountName match case-insensitively in both schemas, as userName must
      hits.push(...(await this.searchOrNull(c, base, 'sub', this.personFilter(namingAttribute(this.cfg) === 'uid' ? escapeFilter`(uid=${userName})` : escapeFilter`(sAMAccountName=${userName})`))));
    }
    if (hits.length > 1) throw new PermanentTargetError(`LDAP target "${this.name}": ${hits.length} entries have ${namingAttribute(this.cfg)}=${userName}; resolve by hand`);
    return hits.length ? this.withGroups(c, hits[0]) : null;
  }

  private async mustFind(c: Client, userName: string, dn: string): Promise<ActualAccount> {
    const found = await this.find(c, userName, dn);
    if (!found) throw new PermanentTargetError(`LDAP target "${this.name}": ${dn} vanished while it was being changed`);
    return found;
  }

  private async searchOrNull(c: Client, base: string, scope: 'base' | 'sub', filter: string): Promise<RawEntry[]> {
    try {
      const { searchEntries } = await c.search(base, { scope, filter, attributes: readAttributes(this.cfg) });
      return searchEntries as RawEntry[];
    } catch (err) {
      if (err instanceof NoSuchObjectError) return [];
      throw err;
    }
  }

  private async withGroups(c: Client, entry: RawEntry): Promise<ActualAccount> {
    return toAccount(this.cfg, entry, await this.groups.groupsOf(c, String(entry.dn)));
  }

  private attributeChanges(actual: ActualAccount, desired: DesiredAccount): Change[] {
    const changes: Change[] = [];
    for (const key of changedAttributes(actual, desired, LDAP_MANAGED)) {
      const type = attributeFor(this.cfg, key);
      const value = desired.attributes[key];
      if (value) changes.push(new Change({ operation: 'replace', modification: new Attribute({ type, values: [value] }) }));
      // sn is mandatory in person: it is replaced by the userName rather than removed
      else if (key === 'sn') changes.push(new Change({ operation: 'replace', modification: new Attribute({ type, values: [desired.userName] }) }));
      else changes.push(new Change({ operation: 'replace', modification: new Attribute({ type, values: [] }) }));
    }
    return changes;
  }

  /** The marker may already be in the wanted state if `actual` was stale: that is success. */
  private async setActive(c: Client, dn: string, active: boolean): Promise<void> {
    try {
      await c.modify(dn, this.activeChanges(active));
    } catch (err) {
      if (!(err instanceof NoSuchAttributeError || err instanceof TypeOrValueExistsError)) throw err;
    }
  }

  private activeChanges(active: boolean): Change[] {
    if (this.cfg.flavor === 'ad') {
      const uac = String(active ? UAC_NORMAL : UAC_DISABLED);
      return [new Change({ operation: 'replace', modification: new Attribute({ type: 'userAccountControl', values: [uac] }) })];
    }
    const marker = new Attribute({ type: this.cfg.disableAttribute, values: [this.cfg.disableValue] });
    return [new Change({ operation: active ? 'delete' : 'add', modification: marker })];
  }

  /** Moves the entry to disabledDN or back to usersDN as its state requires; returns its DN now. */
  private async placeFor(c: Client, dn: string, active: boolean): Promise<string> {
    if (!this.cfg.disabledDN) return dn;
    const parent = normDN(dn.slice(dn.search(/(?<!\\),/) + 1));
    const wanted = active ? this.cfg.usersDN : this.cfg.disabledDN;
    if (parent === normDN(wanted)) return dn;
    const rdn = dn.slice(0, dn.search(/(?<!\\),/));
    const moved = `${rdn},${wanted}`;
    await c.modifyDN(dn, moved);
    await this.groups.renameMember(c, dn, moved);
    return moved;
  }

  /** One bound connection shared by concurrent operations; concurrent first calls share one bind. */
  private connect(): Promise<Client> {
    this.connecting ??= this.bindNew().catch((err) => {
      this.connecting = null;
      throw err;
    });
    return this.connecting;
  }

  private async bindNew(): Promise<Client> {
    const client = new Client({ url: this.cfg.url, timeout: this.cfg.timeoutMs, connectTimeout: this.cfg.timeoutMs });
    try {
      await client.bind(this.cfg.bindDN, this.cfg.bindPassword!);
    } catch (err) {
      await client.unbind().catch(() => undefined);
      throw mapLdapError(err, `LDAP target "${this.name}": bind as ${this.cfg.bindDN}`);
    }
    return client;
  }

  private async run<T>(what: string, op: (c: Client) => Promise<T>): Promise<T> {
    const client = await this.connect();
    try {
      return await op(client);
    } catch (err) {
      throw this.fail(err, what);
    }
  }

  /** Maps the error; a transport failure also drops the connection so the next call reconnects. */
  private fail(err: unknown, what: string): Error {
    const mapped = mapLdapError(err, `LDAP target "${this.name}": ${what}`);
    if (mapped.name === 'RetryableTargetError') {
      const pending = this.connecting;
      this.connecting = null;
      void pending?.then((c) => c.unbind()).catch(() => undefined);
    }
    return mapped;
  }
}

export { escapeDnValue };
