// Microsoft Entra ID target through Microsoft Graph v1.0. Disable = accountEnabled false plus
// revokeSignInSessions, because disabling alone leaves issued refresh tokens usable for a while.
import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../../../ports/clock';
import { PermanentTargetError, RetryableTargetError, type ActualAccount, type DesiredAccount, type TargetConnector } from '../../../ports/target-connector';
import { changedAttributes, compact, groupChanges, sameUserName } from '../attributes';
import { SingleFlight } from '../../http/single-flight';
import { GraphClient } from './client';
import type { EntraTargetConfig } from './config';
import { CachedToken } from '../../http/cached-token';
import { clientCredentialsRequest, GRAPH_SCOPE } from '../../http/client-credentials';

/** canonical attribute -> Graph user property */
const PROPERTIES: Record<string, string> = {
  givenName: 'givenName',
  sn: 'surname',
  displayName: 'displayName',
  mail: 'mail',
  title: 'jobTitle',
  department: 'department',
  employeeId: 'employeeId',
};
const MANAGED = Object.keys(PROPERTIES);
const SELECT = ['id', 'userPrincipalName', 'accountEnabled', ...Object.values(PROPERTIES)].join(',');

/** how long to wait before retrying a call that hit Entra's replication lag */
const REPLICATION_RETRY_MS = 2000;

/** OData string literal: single quotes doubled. */
const odata = (s: string) => `'${s.replace(/'/g, "''")}'`;

export class EntraTargetConnector implements TargetConnector {
  readonly kind = 'entra';
  readonly name: string;
  private readonly graph: GraphClient;
  private readonly groupIds = new Map<string, string>();
  private readonly resolving = new SingleFlight<string | null>();

  constructor(private readonly cfg: EntraTargetConfig, clock: Clock = systemClock) {
    this.name = cfg.name;
    const token = new CachedToken(
      clientCredentialsRequest({
        authorityUrl: cfg.authorityUrl,
        tenantId: cfg.tenantId,
        clientId: cfg.clientId,
        clientSecret: cfg.clientSecret!,
        scope: GRAPH_SCOPE,
        timeoutMs: cfg.timeoutMs,
        peer: `Entra target "${cfg.name}"`,
      }),
      clock,
    );
    this.graph = new GraphClient(cfg.graphUrl, token, cfg.timeoutMs, `Entra target "${cfg.name}"`);
  }

  async lookup(userName: string, externalId: string | null): Promise<ActualAccount | null> {
    if (externalId) {
      const res = await this.graph.call('GET', `/users/${encodeURIComponent(externalId)}?$select=${SELECT}`, undefined, [404]);
      if (res.status !== 404) return this.withGroups(res.body);
    }
    const upn = this.upnOf(userName);
    const res = await this.graph.call('GET', `/users?$filter=${encodeURIComponent(`userPrincipalName eq ${odata(upn)}`)}&$select=${SELECT}`);
    const hit = (res.body?.value ?? []).find((u: any) => sameUserName(String(u.userPrincipalName), upn));
    return hit ? this.withGroups(hit) : null;
  }

  async create(desired: DesiredAccount): Promise<ActualAccount> {
    const existing = await this.lookup(desired.userName, null);
    if (existing) return this.update(existing, desired);
    const res = await this.graph.call('POST', '/users', this.newUser(desired));
    for (const g of desired.groups) await this.addMember(g, res.body.id);
    return this.toAccount(res.body, [...desired.groups]);
  }

  async update(actual: ActualAccount, desired: DesiredAccount): Promise<ActualAccount> {
    const patch: Record<string, unknown> = {};
    for (const key of changedAttributes(actual, desired, MANAGED)) patch[PROPERTIES[key]] = desired.attributes[key] || null;
    if (actual.active !== desired.active) patch.accountEnabled = desired.active;
    if (Object.keys(patch).length) await this.graph.call('PATCH', `/users/${encodeURIComponent(actual.externalId)}`, patch);
    if (!desired.active && this.cfg.revokeSessionsOnDisable) await this.revoke(actual.externalId);
    const { add, remove } = groupChanges(actual.groups, desired.groups);
    for (const g of add) await this.addMember(g, actual.externalId);
    for (const g of remove) await this.removeMember(g, actual.externalId);
    return (await this.lookup(desired.userName, actual.externalId))!;
  }

  async disable(actual: ActualAccount): Promise<ActualAccount> {
    if (actual.active) await this.graph.call('PATCH', `/users/${encodeURIComponent(actual.externalId)}`, { accountEnabled: false });
    // Always revoke: if an earlier attempt disabled but failed to revoke, this retry must finish the job.
    if (this.cfg.revokeSessionsOnDisable) await this.revoke(actual.externalId);
    return { ...actual, active: false };
  }

  async remove(actual: ActualAccount): Promise<void> {
    await this.graph.call('DELETE', `/users/${encodeURIComponent(actual.externalId)}`, undefined, [404]);
  }

  async *list(): AsyncIterable<ActualAccount> {
    for await (const page of this.graph.pages(`/users?$select=${SELECT}&$top=${this.cfg.pageSize}`)) {
      // one memberOf call per user: Graph has no cheap reverse index; reconcile pays for it
      for (const u of page) yield this.withGroups(u);
    }
  }

  private upnOf(userName: string): string {
    return userName.includes('@') ? userName : `${userName}@${this.cfg.upnDomain}`;
  }

  private userNameOf(upn: string): string {
    const suffix = `@${this.cfg.upnDomain}`.toLowerCase();
    return upn.toLowerCase().endsWith(suffix) ? upn.slice(0, -suffix.length) : upn;
  }

  private newUser(desired: DesiredAccount): Record<string, unknown> {
    const a = desired.attributes;
    const user: Record<string, unknown> = {
      accountEnabled: desired.active,
      userPrincipalName: this.upnOf(desired.userName),
      mailNickname: desired.userName.split('@')[0].replace(/[^A-Za-z0-9._-]/g, ''),
      displayName: a.displayName || [a.givenName, a.sn].filter(Boolean).join(' ') || desired.userName,
      // Graph requires a password on create; nobody knows this one: sign-in goes through SSO or a reset
      passwordProfile: { forceChangePasswordNextSignIn: true, password: `${randomBytes(18).toString('base64url')}aA1!` },
      ...compact(Object.fromEntries(MANAGED.filter((k) => k !== 'displayName').map((k) => [PROPERTIES[k], a[k]]))),
    };
    if (this.cfg.usageLocation) user.usageLocation = this.cfg.usageLocation;
    return user;
  }

  private async revoke(id: string): Promise<void> {
    await this.graph.call('POST', `/users/${encodeURIComponent(id)}/revokeSignInSessions`);
  }

  private async withGroups(user: any): Promise<ActualAccount> {
    const groups: string[] = [];
    for await (const page of this.graph.pages(`/users/${encodeURIComponent(user.id)}/memberOf?$select=id,displayName`)) {
      for (const g of page) {
        if (g['@odata.type'] && g['@odata.type'] !== '#microsoft.graph.group') continue; // directory roles
        this.groupIds.set(String(g.displayName).toLowerCase(), g.id);
        groups.push(String(g.displayName));
      }
    }
    return this.toAccount(user, groups);
  }

  private toAccount(user: any, groups: string[]): ActualAccount {
    if (!user || typeof user.id !== 'string') throw new PermanentTargetError(`Entra target "${this.name}": Graph returned a user without an id`);
    return {
      externalId: user.id,
      userName: this.userNameOf(String(user.userPrincipalName ?? '')),
      active: user.accountEnabled !== false,
      attributes: compact(Object.fromEntries(MANAGED.map((k) => [k, user[PROPERTIES[k]]]))),
      groups,
    };
  }

  private async groupId(name: string, create: boolean): Promise<string | null> {
    const cached = this.groupIds.get(name.toLowerCase());
    if (cached) return cached;
    return this.resolving.run(`${create}:${name.toLowerCase()}`, () => this.findOrCreateGroup(name, create));
  }

  private async findOrCreateGroup(name: string, create: boolean): Promise<string | null> {
    const res = await this.graph.call('GET', `/groups?$filter=${encodeURIComponent(`displayName eq ${odata(name)}`)}&$select=id,displayName`);
    const found = (res.body?.value ?? []) as any[];
    if (found.length > 1) throw new PermanentTargetError(`Entra target "${this.name}": ${found.length} groups are named "${name}"; rename one`);
    let id: string | undefined = found[0]?.id;
    if (!id && create) {
      if (!this.cfg.createGroups) throw new PermanentTargetError(`Entra target "${this.name}": group "${name}" does not exist and createGroups is off`);
      const nick = name.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 64) || 'group';
      id = (await this.graph.call('POST', '/groups', { displayName: name, mailEnabled: false, mailNickname: nick, securityEnabled: true })).body.id;
    }
    if (id) this.groupIds.set(name.toLowerCase(), id);
    return id ?? null;
  }

  private async addMember(group: string, userId: string): Promise<void> {
    const gid = await this.groupId(group, true);
    const ref = { '@odata.id': `${this.cfg.graphUrl.replace(/\/+$/, '')}/v1.0/directoryObjects/${userId}` };
    const res = await this.graph.call('POST', `/groups/${gid}/members/$ref`, ref, [400, 404]);
    if (res.status === 404) {
      // Entra is eventually consistent: a user created seconds ago may not be visible here yet.
      // Retrying later finds the account by lookup and adds the membership then.
      throw new RetryableTargetError(`Entra target "${this.name}": adding ${userId} to "${group}": not replicated yet (${res.body?.error?.message ?? 404})`, REPLICATION_RETRY_MS, 404);
    }
    // Graph answers 400 when the member is already there; anything else at 400 is a real error
    if (res.status === 400 && !/already exist/i.test(res.body?.error?.message ?? '')) {
      throw new PermanentTargetError(`Entra target "${this.name}": adding ${userId} to "${group}" failed: ${res.body?.error?.message ?? res.text}`, 400);
    }
  }

  private async removeMember(group: string, userId: string): Promise<void> {
    const gid = await this.groupId(group, false);
    if (gid) await this.graph.call('DELETE', `/groups/${gid}/members/${encodeURIComponent(userId)}/$ref`, undefined, [404]);
  }
}
