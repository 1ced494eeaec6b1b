// SCIM 2.0 target (RFC 7643/7644). Create POSTs and adopts the existing account on a 409 uniqueness conflict;
// updates are minimal PATCHes guarded by If-Match when the provider versions resources, with a
// GET + PUT fallback for providers that refuse PATCH (Okta style).
import { PermanentTargetError, type ActualAccount, type DesiredAccount, type TargetConnector } from '../../../ports/target-connector';
import { changedAttributes, groupChanges, sameUserName } from '../attributes';
import { ScimClient } from './client';
import type { ScimTargetConfig } from './config';
import { ScimGroups } from './groups';
import {
  ENTERPRISE_SCHEMA,
  PATCH_SCHEMA,
  SCIM_MANAGED,
  fromScimUser,
  isEnterpriseKey,
  patchPathOf,
  patchValueOf,
  scimString,
  toScimUser,
} from './mapping';

type PatchOp = { op: 'add' | 'replace' | 'remove'; path: string; value?: unknown };

/** How often a write is retried after a 412 (someone else changed the resource in between). */
const MAX_VERSION_RETRIES = 3;
/** PATCH answers that mean "this provider does not do PATCH (this way)": fall back to PUT. */
const PATCH_REFUSED = [400, 405, 501];

export class ScimTargetConnector implements TargetConnector {
  readonly kind = 'scim';
  readonly name: string;
  private readonly client: ScimClient;
  private readonly groups: ScimGroups;
  /** user id -> meta.version last read, sent as If-Match on the next write */
  private readonly versions = new Map<string, string>();
  private patchUnsupported = false;

  constructor(private readonly cfg: ScimTargetConfig) {
    this.name = cfg.name;
    this.client = new ScimClient({ name: cfg.name, url: cfg.url, token: cfg.token!, timeoutMs: cfg.timeoutMs });
    this.groups = new ScimGroups(this.client, cfg.pageSize);
  }

  async lookup(userName: string, externalId: string | null): Promise<ActualAccount | null> {
    if (externalId) {
      const res = await this.client.call('GET', `/Users/${encodeURIComponent(externalId)}`, undefined, { accept: [404] });
      if (res.status !== 404) return this.toAccount(res.body);
    }
    return this.findByUserName(userName);
  }

  /**
   * POSTs at once: the worker has just looked the account up, so searching again would cost a
   * request per create. userName is unique at the provider (RFC 7643 4.1.1), so an existing
   * account answers 409 uniqueness, and only then is it found and adopted.
   */
  async create(desired: DesiredAccount): Promise<ActualAccount> {
    const res = await this.client.call('POST', '/Users', toScimUser(desired, this.cfg.enterpriseExtension), { accept: [409] });
    if (res.status === 409) return this.adopt(desired);
    // some providers answer 201 with only a Location header: read the account back by name
    const created = res.body?.id ? this.toAccountWithGroups(res.body, []) : await this.findByUserName(desired.userName);
    if (!created) throw new PermanentTargetError(`SCIM target "${this.name}": POST /Users answered ${res.status} but the account cannot be found`, res.status);
    for (const group of desired.groups) await this.groups.addMember(group, created.externalId);
    return { ...created, groups: [...desired.groups] };
  }

  /**
   * After a 409 on POST: the account exists already (made by hand, by another tool, or concurrently),
   * or the provider matches userName more loosely than its filter. Adopt it, never duplicate it.
   */
  private async adopt(desired: DesiredAccount): Promise<ActualAccount> {
    const existing = (await this.findByUserName(desired.userName)) ?? (await this.scanForUserName(desired.userName));
    if (!existing) throw new PermanentTargetError(`SCIM target "${this.name}": userName "${desired.userName}" is taken but cannot be found`, 409);
    return this.update(existing, desired);
  }

  async update(actual: ActualAccount, desired: DesiredAccount): Promise<ActualAccount> {
    const updated = await this.writeUser(actual, (current) => this.opsFor(current, desired), desired);
    const { add, remove } = groupChanges(actual.groups, desired.groups);
    for (const group of add) await this.groups.addMember(group, actual.externalId);
    for (const group of remove) await this.groups.removeMember(group, actual.externalId);
    return { ...updated, groups: [...desired.groups] };
  }

  async disable(actual: ActualAccount): Promise<ActualAccount> {
    const ops = (current: ActualAccount): PatchOp[] => (current.active ? [{ op: 'replace', path: 'active', value: false }] : []);
    return this.writeUser(actual, ops, null);
  }

  async remove(actual: ActualAccount): Promise<void> {
    // 404: already gone, which is what we wanted.
    await this.client.call('DELETE', `/Users/${encodeURIComponent(actual.externalId)}`, undefined, { accept: [404] });
    this.versions.delete(actual.externalId);
  }

  async *list(): AsyncIterable<ActualAccount> {
    const membership = await this.groups.membershipIndex();
    for (let start = 1; ; ) {
      const res = await this.client.call('GET', `/Users?startIndex=${start}&count=${this.cfg.pageSize}`);
      const page: any[] = res.body?.Resources ?? [];
      for (const user of page) yield this.toAccountWithGroups(user, membership.get(String(user.id)) ?? []);
      start += page.length;
      if (page.length === 0 || start > Number(res.body?.totalResults ?? 0)) return;
    }
  }

  private async findByUserName(userName: string): Promise<ActualAccount | null> {
    // RFC 7643 makes userName case-insensitive, but some providers (scimmy) filter case-sensitively:
    // ask as given, then lower-cased, and compare on our side either way.
    const tries = userName === userName.toLowerCase() ? [userName] : [userName, userName.toLowerCase()];
    for (const candidate of tries) {
      const filter = encodeURIComponent(`userName eq ${scimString(candidate)}`);
      const res = await this.client.call('GET', `/Users?filter=${filter}`);
      const hits = (res.body?.Resources ?? []).filter((u: any) => sameUserName(String(u.userName ?? ''), userName));
      if (hits.length > 1) {
        throw new PermanentTargetError(`SCIM target "${this.name}": ${hits.length} accounts have userName "${userName}" (ignoring case); resolve by hand`, 409);
      }
      if (hits.length === 1) return this.toAccount(hits[0]);
    }
    return null;
  }

  /**
   * Last resort after a 409 from a provider whose filter is case-sensitive (scimmy): it says the
   * name is taken, so walk the users and compare ignoring case. Only on conflict, never per create.
   */
  private async scanForUserName(userName: string): Promise<ActualAccount | null> {
    for (let start = 1; ; ) {
      const res = await this.client.call('GET', `/Users?startIndex=${start}&count=${this.cfg.pageSize}`);
      const page: any[] = res.body?.Resources ?? [];
      const hit = page.find((u) => sameUserName(String(u.userName ?? ''), userName));
      if (hit) return this.toAccount(hit);
      start += page.length;
      if (page.length === 0 || start > Number(res.body?.totalResults ?? 0)) return null;
    }
  }

  private opsFor(current: ActualAccount, desired: DesiredAccount): PatchOp[] {
    const ops: PatchOp[] = [];
    if (!sameUserName(current.userName, desired.userName)) ops.push({ op: 'replace', path: 'userName', value: desired.userName });
    if (current.active !== desired.active) ops.push({ op: 'replace', path: 'active', value: desired.active });
    for (const key of changedAttributes(current, desired, SCIM_MANAGED)) {
      if (isEnterpriseKey(key) && !this.cfg.enterpriseExtension) continue;
      const value = desired.attributes[key];
      ops.push(value ? { op: 'replace', path: patchPathOf(key), value: patchValueOf(key, value) } : { op: 'remove', path: patchPathOf(key) });
    }
    return ops;
  }

  /**
   * PATCH with If-Match; on 412 re-read and recompute the ops against the fresh state. `desired`
   * (null for disable) drives the PUT fallback for providers that refuse PATCH.
   */
  private async writeUser(actual: ActualAccount, opsFor: (current: ActualAccount) => PatchOp[], desired: DesiredAccount | null): Promise<ActualAccount> {
    let current = actual;
    for (let attempt = 0; attempt <= MAX_VERSION_RETRIES; attempt++) {
      const ops = opsFor(current);
      if (ops.length === 0) return current;
      const path = `/Users/${encodeURIComponent(current.externalId)}`;
      const ifMatch = this.versions.get(current.externalId);
      if (!this.patchUnsupported) {
        const res = await this.client.call('PATCH', path, { schemas: [PATCH_SCHEMA], Operations: ops }, { ifMatch, accept: [412, ...PATCH_REFUSED] });
        if (res.status < 300) return res.status === 204 || !res.body ? this.reread(current) : this.toAccountWithGroups(res.body, current.groups);
        if (res.status === 412) {
          current = await this.reread(current);
          continue;
        }
        // 405/501 say PATCH is not implemented at all; a 400 may be about this one request only.
        if (res.status !== 400) this.patchUnsupported = true;
      }
      const put = await this.putUser(current, ops, desired);
      if (put) return put;
      current = await this.reread(current);
    }
    throw new PermanentTargetError(`SCIM target "${this.name}": user ${actual.externalId} kept changing under us (412 ${MAX_VERSION_RETRIES + 1} times)`, 412);
  }

  /** GET + PUT of the whole resource with our changes merged in; null on 412. */
  private async putUser(current: ActualAccount, ops: PatchOp[], desired: DesiredAccount | null): Promise<ActualAccount | null> {
    const path = `/Users/${encodeURIComponent(current.externalId)}`;
    const raw = (await this.client.call('GET', path)).body;
    const { meta, ...resource } = raw;
    let next: Record<string, any>;
    if (desired) {
      const ours = toScimUser(desired, this.cfg.enterpriseExtension) as Record<string, any>;
      next = { ...resource, ...ours, [ENTERPRISE_SCHEMA]: { ...(resource[ENTERPRISE_SCHEMA] ?? {}), ...(ours[ENTERPRISE_SCHEMA] ?? {}) } };
      for (const op of ops.filter((o) => o.op === 'remove')) deletePath(next, op.path);
    } else {
      next = { ...resource, active: false };
    }
    const res = await this.client.call('PUT', path, next, { ifMatch: meta?.version, accept: [412] });
    if (res.status === 412) return null;
    return this.toAccountWithGroups(res.body, current.groups);
  }

  private async reread(current: ActualAccount): Promise<ActualAccount> {
    const res = await this.client.call('GET', `/Users/${encodeURIComponent(current.externalId)}`, undefined, { accept: [404] });
    if (res.status === 404) throw new PermanentTargetError(`SCIM target "${this.name}": user ${current.externalId} was deleted while we changed it`, 404);
    return this.toAccountWithGroups(res.body, current.groups);
  }

  private async toAccount(resource: any): Promise<ActualAccount> {
    const groups = Array.isArray(resource.groups)
      ? resource.groups.map((g: any) => String(g.display ?? g.value))
      : await this.groups.groupsOf(String(resource.id));
    return this.toAccountWithGroups(resource, groups);
  }

  private toAccountWithGroups(resource: any, groups: string[]): ActualAccount {
    if (!resource || typeof resource !== 'object' || resource.id === undefined) {
      throw new PermanentTargetError(`SCIM target "${this.name}" returned something that is not a SCIM User resource: ${JSON.stringify(resource)?.slice(0, 120)}`);
    }
    if (resource.meta?.version) this.versions.set(String(resource.id), String(resource.meta.version));
    return fromScimUser(resource, groups);
  }
}

/** Removes a PATCH-style path ("name.givenName", "urn:...:User:department") from a resource. */
function deletePath(resource: Record<string, any>, path: string): void {
  if (path.startsWith(`${ENTERPRISE_SCHEMA}:`)) {
    delete resource[ENTERPRISE_SCHEMA]?.[path.slice(ENTERPRISE_SCHEMA.length + 1)];
    return;
  }
  const [head, tail] = path.split('.');
  if (tail) delete resource[head]?.[tail];
  else delete resource[head];
}
