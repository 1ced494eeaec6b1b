// Okta target (Management API v1). Disable = lifecycle/deactivate (status DEPROVISIONED) plus
// clearing sessions; re-enable = lifecycle/activate. Deleting takes two DELETEs in Okta when the
// user is not deactivated yet (the first one only deactivates).
import { systemClock, type Clock } from '../../../ports/clock';
import { PermanentTargetError, type ActualAccount, type DesiredAccount, type TargetConnector } from '../../../ports/target-connector';
import { changedAttributes, compact, groupChanges, sameUserName } from '../attributes';
import { SingleFlight } from '../../http/single-flight';
import { OktaClient } from './client';
import type { OktaTargetConfig } from './config';

/** canonical attribute -> Okta profile property */
const PROFILE: Record<string, string> = {
  givenName: 'firstName',
  sn: 'lastName',
  mail: 'email',
  displayName: 'displayName',
  title: 'title',
  department: 'department',
  employeeId: 'employeeNumber',
};
const MANAGED = Object.keys(PROFILE);
const INACTIVE = new Set(['DEPROVISIONED', 'SUSPENDED']);

const quote = (s: string) => JSON.stringify(s);

export class OktaTargetConnector implements TargetConnector {
  readonly kind = 'okta';
  readonly name: string;
  private readonly okta: OktaClient;
  private readonly groupIds = new Map<string, string>();
  private readonly resolving = new SingleFlight<string | null>();

  constructor(private readonly cfg: OktaTargetConfig, clock: Clock = systemClock) {
    this.name = cfg.name;
    this.okta = new OktaClient(cfg.url, cfg.token!, cfg.timeoutMs, `Okta target "${cfg.name}"`, clock);
  }

  async lookup(userName: string, externalId: string | null): Promise<ActualAccount | null> {
    if (externalId) {
      const res = await this.okta.call('GET', `/api/v1/users/${encodeURIComponent(externalId)}`, undefined, [404]);
      if (res.status !== 404) return this.withGroups(res.body);
    }
    // a filter (not GET /users/{login}) because logins may contain characters a path cannot carry;
    // filters also return DEPROVISIONED users, which a plain list leaves out
    const login = this.loginOf(userName);
    const res = await this.okta.call('GET', `/api/v1/users?filter=${encodeURIComponent(`profile.login eq ${quote(login)}`)}`);
    const hit = (Array.isArray(res.body) ? res.body : []).find((u: any) => sameUserName(String(u.profile?.login), login));
    return hit ? this.withGroups(hit) : null;
  }

  async create(desired: DesiredAccount): Promise<ActualAccount> {
    const existing = await this.lookup(desired.userName, null);
    if (existing) return this.update(existing, desired);
    const res = await this.okta.call('POST', `/api/v1/users?activate=${desired.active}`, { profile: this.newProfile(desired) });
    for (const g of desired.groups) await this.addMember(g, res.body.id);
    return this.toAccount(res.body, [...desired.groups]);
  }

  async update(actual: ActualAccount, desired: DesiredAccount): Promise<ActualAccount> {
    const profile: Record<string, string | null> = {};
    for (const key of changedAttributes(actual, desired, MANAGED)) profile[PROFILE[key]] = desired.attributes[key] || null;
    const id = encodeURIComponent(actual.externalId);
    if (Object.keys(profile).length) await this.okta.call('POST', `/api/v1/users/${id}`, { profile }); // partial update
    if (desired.active && !actual.active) await this.okta.call('POST', `/api/v1/users/${id}/lifecycle/activate?sendEmail=false`);
    if (!desired.active && actual.active) await this.deactivate(actual.externalId);
    const { add, remove } = groupChanges(actual.groups, desired.groups);
    for (const g of add) await this.addMember(g, actual.externalId);
    for (const g of remove) await this.removeMember(g, actual.externalId);
    return (await this.lookup(desired.userName, actual.externalId))!;
  }

  async disable(actual: ActualAccount): Promise<ActualAccount> {
    if (actual.active) await this.deactivate(actual.externalId);
    else if (this.cfg.clearSessionsOnDisable) await this.clearSessions(actual.externalId);
    return { ...actual, active: false };
  }

  async remove(actual: ActualAccount): Promise<void> {
    const path = `/api/v1/users/${encodeURIComponent(actual.externalId)}`;
    const current = await this.okta.call('GET', path, undefined, [404]);
    if (current.status === 404) return;
    if (current.body?.status !== 'DEPROVISIONED') await this.okta.call('DELETE', path, undefined, [404]);
    await this.okta.call('DELETE', path, undefined, [404]);
  }

  async *list(): AsyncIterable<ActualAccount> {
    // a plain list leaves DEPROVISIONED users out; reconcile must see them (disabled accounts)
    const queries = [`/api/v1/users?limit=${this.cfg.pageSize}`, `/api/v1/users?limit=${this.cfg.pageSize}&filter=${encodeURIComponent('status eq "DEPROVISIONED"')}`];
    for (const q of queries) {
      for await (const page of this.okta.pages(q)) for (const u of page) yield this.withGroups(u);
    }
  }

  private async deactivate(id: string): Promise<void> {
    await this.okta.call('POST', `/api/v1/users/${encodeURIComponent(id)}/lifecycle/deactivate`);
    if (this.cfg.clearSessionsOnDisable) await this.clearSessions(id);
  }

  private async clearSessions(id: string): Promise<void> {
    await this.okta.call('DELETE', `/api/v1/users/${encodeURIComponent(id)}/sessions`, undefined, [404]);
  }

  private loginOf(userName: string): string {
    return userName.includes('@') || !this.cfg.loginDomain ? userName : `${userName}@${this.cfg.loginDomain}`;
  }

  private userNameOf(login: string): string {
    const suffix = this.cfg.loginDomain ? `@${this.cfg.loginDomain}`.toLowerCase() : null;
    return suffix && login.toLowerCase().endsWith(suffix) ? login.slice(0, -suffix.length) : login;
  }

  private newProfile(desired: DesiredAccount): Record<string, string> {
    const a = desired.attributes;
    const login = this.loginOf(desired.userName);
    // firstName, lastName, email and login are mandatory in Okta's default profile
    return {
      ...(compact(Object.fromEntries(MANAGED.map((k) => [PROFILE[k], a[k]]))) as Record<string, string>),
      login,
      firstName: a.givenName || desired.userName,
      lastName: a.sn || desired.userName,
      email: a.mail || login,
    };
  }

  private async withGroups(user: any): Promise<ActualAccount> {
    const res = await this.okta.call('GET', `/api/v1/users/${encodeURIComponent(user.id)}/groups`);
    // "Everyone" (BUILT_IN) and app-imported groups are not idsync's to manage
    const groups = (Array.isArray(res.body) ? res.body : []).filter((g: any) => g.type === 'OKTA_GROUP');
    for (const g of groups) this.groupIds.set(String(g.profile.name).toLowerCase(), g.id);
    return this.toAccount(user, groups.map((g: any) => String(g.profile.name)));
  }

  private toAccount(user: any, groups: string[]): ActualAccount {
    if (!user || typeof user.id !== 'string') throw new PermanentTargetError(`Okta target "${this.name}": answer is not a user object`);
    const p = user.profile ?? {};
    return {
      externalId: user.id,
      userName: this.userNameOf(String(p.login ?? '')),
      active: !INACTIVE.has(user.status),
      attributes: compact(Object.fromEntries(MANAGED.map((k) => [k, p[PROFILE[k]]]))),
      groups,
    };
  }

  private async groupId(name: string, create: boolean): Promise<string | null> {
    const cached = this.groupIds.get(name.toLowerCase());
    if (cached) return cached;
    return this.resolving.run(`${create}:${name.toLowerCase()}`, () => this.findOrCreateGroup(name, create));
  }

  private async findOrCreateGroup(name: string, create: boolean): Promise<string | null> {
    const res = await this.okta.call('GET', `/api/v1/groups?search=${encodeURIComponent(`profile.name eq ${quote(name)}`)}`);
    const found = (Array.isArray(res.body) ? res.body : []).filter((g: any) => String(g.profile?.name).toLowerCase() === name.toLowerCase());
    let id: string | undefined = found[0]?.id;
    if (!id && create) {
      if (!this.cfg.createGroups) throw new PermanentTargetError(`Okta target "${this.name}": group "${name}" does not exist and createGroups is off`);
      id = (await this.okta.call('POST', '/api/v1/groups', { profile: { name, description: 'managed by idsync' } })).body.id;
    }
    if (id) this.groupIds.set(name.toLowerCase(), id);
    return id ?? null;
  }

  private async addMember(group: string, userId: string): Promise<void> {
    const gid = await this.groupId(group, true);
    await this.okta.call('PUT', `/api/v1/groups/${gid}/users/${encodeURIComponent(userId)}`);
  }

  private async removeMember(group: string, userId: string): Promise<void> {
    const gid = await this.groupId(group, false);
    if (gid) await this.okta.call('DELETE', `/api/v1/groups/${gid}/users/${encodeURIComponent(userId)}`, undefined, [404]);
  }
}
