// SCIM group membership through /Groups (RFC 7644 3.5.2): find or create the group by displayName,
// then PATCH members with add, or remove with a value filter, so concurrent changes to other
// members are never overwritten. Providers without PATCH get GET + PUT of the member list.
import { PermanentTargetError } from '../../../ports/target-connector';
import type { ScimClient } from './client';
import { SingleFlight } from '../../http/single-flight';
import { GROUP_SCHEMA, PATCH_SCHEMA, scimString } from './mapping';

export class ScimGroups {
  /** lower-cased displayName -> group id; groups are rarely renamed, and a 404 clears the entry */
  private readonly ids = new Map<string, string>();
  private patchUnsupported = false;
  private readonly resolving = new SingleFlight<string | null>();

  constructor(private readonly client: ScimClient, private readonly pageSize: number) {}

  async addMember(group: string, userId: string, retried = false): Promise<void> {
    const id = await this.idOf(group, true);
    await this.changeMembers(group, id!, userId, 'add', retried);
  }

  async removeMember(group: string, userId: string, retried = false): Promise<void> {
    const id = await this.idOf(group, false);
    if (id) await this.changeMembers(group, id, userId, 'remove', retried);
  }

  /** Display names of the groups `userId` belongs to. */
  async groupsOf(userId: string): Promise<string[]> {
    const filter = encodeURIComponent(`members.value eq ${scimString(userId)}`);
    const res = await this.client.call('GET', `/Groups?filter=${filter}`);
    const groups: any[] = res.body?.Resources ?? [];
    // Some providers ignore filters on members; keep only groups that really list the user.
    return groups
      .filter((g) => !Array.isArray(g.members) || g.members.some((m: any) => m?.value === userId))
      .map((g) => this.remember(g));
  }

  /** user id -> group display names, for list(): one pass over /Groups instead of one query per user. */
  async membershipIndex(): Promise<Map<string, string[]>> {
    const index = new Map<string, string[]>();
    for (let start = 1; ; ) {
      const res = await this.client.call('GET', `/Groups?startIndex=${start}&count=${this.pageSize}`);
      const page: any[] = res.body?.Resources ?? [];
      for (const g of page) {
        const name = this.remember(g);
        for (const m of g.members ?? []) index.set(m.value, [...(index.get(m.value) ?? []), name]);
      }
      start += page.length;
      if (page.length === 0 || start > Number(res.body?.totalResults ?? 0)) return index;
    }
  }

  private remember(group: any): string {
    const name = String(group.displayName ?? group.id);
    this.ids.set(name.toLowerCase(), String(group.id));
    return name;
  }

  private async idOf(name: string, create: boolean): Promise<string | null> {
    const cached = this.ids.get(name.toLowerCase());
    if (cached) return cached;
    return this.resolving.run(`${create}:${name.toLowerCase()}`, () => this.findOrCreate(name, create));
  }

  private async findOrCreate(name: string, create: boolean): Promise<string | null> {
    const filter = encodeURIComponent(`displayName eq ${scimString(name)}`);
    const res = await this.client.call('GET', `/Groups?filter=${filter}&attributes=displayName`);
    const found = (res.body?.Resources ?? []).find((g: any) => String(g.displayName).toLowerCase() === name.toLowerCase());
    if (found) {
      this.remember(found);
      return String(found.id);
    }
    if (!create) return null;
    const made = await this.client.call('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: name, members: [] }, { accept: [409] });
    if (made.status === 409) {
      // Someone created it between our search and our POST: search again.
      this.ids.delete(name.toLowerCase());
      const again = await this.client.call('GET', `/Groups?filter=${filter}`);
      const g = (again.body?.Resources ?? [])[0];
      if (!g) throw new PermanentTargetError(`group "${name}" exists according to the target but cannot be found by displayName`, 409);
      this.remember(g);
      return String(g.id);
    }
    this.remember(made.body);
    return String(made.body.id);
  }

  private async changeMembers(group: string, groupId: string, userId: string, op: 'add' | 'remove', retried: boolean): Promise<void> {
    if (!this.patchUnsupported) {
      const operation =
        op === 'add'
          ? { op: 'add', path: 'members', value: [{ value: userId }] }
          : { op: 'remove', path: `members[value eq ${scimString(userId)}]` };
      const res = await this.client.call('PATCH', `/Groups/${encodeURIComponent(groupId)}`, { schemas: [PATCH_SCHEMA], Operations: [operation] }, { accept: [404, 405, 501] });
      if (res.status === 404) return this.retryAfterStaleId(group, userId, op, retried);
      if (res.status < 300) return;
      this.patchUnsupported = true;
    }
    const current = await this.client.call('GET', `/Groups/${encodeURIComponent(groupId)}`, undefined, { accept: [404] });
    if (current.status === 404) return this.retryAfterStaleId(group, userId, op, retried);
    const members: any[] = (current.body.members ?? []).filter((m: any) => m.value !== userId).map((m: any) => ({ value: m.value }));
    if (op === 'add') members.push({ value: userId });
    const { meta: _meta, ...rest } = current.body;
    await this.client.call('PUT', `/Groups/${encodeURIComponent(groupId)}`, { ...rest, members }, { ifMatch: current.body.meta?.version });
  }

  private async retryAfterStaleId(group: string, userId: string, op: 'add' | 'remove', retried: boolean): Promise<void> {
    // The cached id points at a group deleted behind our back: forget it and resolve the name once more.
    this.ids.delete(group.toLowerCase());
    if (retried) throw new PermanentTargetError(`group "${group}" disappeared while changing its members`, 404);
    if (op === 'add') return this.addMember(group, userId, true);
    return this.removeMember(group, userId, true);
  }
}
