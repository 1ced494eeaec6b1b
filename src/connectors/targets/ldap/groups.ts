// groupOfNames (OpenLDAP) / group (AD) membership by member DN. groupOfNames must keep at least one
// member, so removing the last member deletes the group: idsync creates groups on first use and
// owns the ones under groupsDN.
import {
  AlreadyExistsError,
  Attribute,
  Change,
  NoSuchAttributeError,
  NoSuchObjectError,
  ObjectClassViolationError,
  TypeOrValueExistsError,
  escapeFilter,
  type Client,
} from 'ldapts';
import type { LdapTargetConfig } from './config';
import { all, first, groupDN } from './entry';

export class LdapGroups {
  constructor(private readonly cfg: LdapTargetConfig) {}

  async groupsOf(client: Client, memberDN: string): Promise<string[]> {
    const { searchEntries } = await client.search(this.cfg.groupsDN, {
      scope: 'sub',
      filter: escapeFilter`(member=${memberDN})`,
      attributes: ['cn'],
    });
    return searchEntries.map((e) => first(e, 'cn') ?? String(e.dn));
  }

  /** lower-cased member DN -> group names, in one paged pass (for list()). */
  async membershipIndex(client: Client): Promise<Map<string, string[]>> {
    const index = new Map<string, string[]>();
    const pages = client.searchPaginated(this.cfg.groupsDN, {
      scope: 'sub',
      filter: '(member=*)',
      attributes: ['cn', 'member'],
      paged: { pageSize: this.cfg.pageSize },
    });
    for await (const page of pages) {
      for (const g of page.searchEntries) {
        const name = first(g, 'cn') ?? String(g.dn);
        for (const m of all(g, 'member')) index.set(normDN(m), [...(index.get(normDN(m)) ?? []), name]);
      }
    }
    return index;
  }

  async addMember(client: Client, group: string, memberDN: string): Promise<void> {
    const dn = groupDN(this.cfg, group);
    try {
      await client.modify(dn, new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [memberDN] }) }));
    } catch (err) {
      if (err instanceof TypeOrValueExistsError) return;
      if (!(err instanceof NoSuchObjectError)) throw err;
      await this.createGroup(client, group, memberDN);
    }
  }

  async removeMember(client: Client, group: string, memberDN: string): Promise<void> {
    const dn = groupDN(this.cfg, group);
    try {
      await client.modify(dn, new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: [memberDN] }) }));
    } catch (err) {
      if (err instanceof NoSuchObjectError || err instanceof NoSuchAttributeError) return;
      if (!(err instanceof ObjectClassViolationError)) throw err;
      await client.del(dn);
    }
  }

  /** After a move (modifyDN) the old DN is still listed in groups unless refint runs: fix it. */
  async renameMember(client: Client, oldDN: string, newDN: string): Promise<void> {
    for (const group of await this.groupsOf(client, oldDN)) {
      await client.modify(groupDN(this.cfg, group), [
        new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [newDN] }) }),
        new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: [oldDN] }) }),
      ]);
    }
  }

  private async createGroup(client: Client, group: string, memberDN: string): Promise<void> {
    const entry: Record<string, string | string[]> =
      this.cfg.flavor === 'ad'
        ? { objectClass: ['top', 'group'], cn: group, sAMAccountName: group, member: memberDN }
        : { objectClass: ['top', 'groupOfNames'], cn: group, member: memberDN };
    try {
      await client.add(groupDN(this.cfg, group), entry);
    } catch (err) {
      // created concurrently by another worker: add ourselves to it instead
      if (!(err instanceof AlreadyExistsError)) throw err;
      await this.addMember(client, group, memberDN);
    }
  }
}

/** DN comparison key: lower-cased, no spaces after separators. */
export function normDN(dn: string): string {
  return dn.toLowerCase().replace(/\s*,\s*/g, ',').replace(/\s*=\s*/g, '=');
}
