// Local Graph fake for the entra source: client-credentials tokens, /v1.0/users/delta and
// /v1.0/groups/delta with @odata.nextLink pages and a final @odata.deltaLink, $select honoured on
// the first call only (later links carry it), soft delete ("changed") and hard delete ("deleted")
// as @removed, manager@delta only when the manager changed, members@delta with @removed entries,
// one group sliced across pages, expired delta tokens (410 syncStateNotFound) and injected faults.
// Change-notification subscriptions (/v1.0/subscriptions): a create first POSTs
// ?validationToken= to the notificationUrl and needs the token back as text/plain 200 within 10 s,
// users subscriptions live at most 41 760 minutes, an expired one is gone (PATCH 404), and
// notify() delivers a notification to every users subscription as Graph does.
import { randomUUID } from 'node:crypto';
import { Routes, startFake, type Fault, type FakeRequest, type FakeResponse, type FakeServer } from './http-fake';

type Props = Record<string, unknown>;
interface DeltaUser { id: string; props: Props; manager: string | null; oldManager: string | null; deleted: null | 'changed' | 'deleted'; seq: number; managerSeq: number }
interface DeltaGroup { id: string; displayName: string; description: string | null; members: Map<string, 'user' | 'group'>; deleted: boolean; seq: number }
interface MemberEvent { seq: number; group: string; member: string; kind: 'user' | 'group'; added: boolean }

export interface GraphDeltaFake {
  authorityUrl: string;
  graphUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  server: FakeServer;
  counts: { tokens: number; requests: number };
  addUser(props: Props & { id?: string }, manager?: string | null): string;
  updateUser(id: string, props: Props): void;
  setManager(id: string, manager: string | null): void;
  softDelete(id: string): void;
  restore(id: string): void;
  hardDelete(id: string): void;
  addGroup(displayName: string, members?: string[], description?: string): string;
  addMember(group: string, member: string): void;
  removeMember(group: string, member: string): void;
  deleteGroup(group: string): void;
  /** every delta link issued so far answers 410 syncStateNotFound */
  expireDeltaTokens(): void;
  fault(f: Fault): void;
  expireTokens(): void;
  subscriptions: Map<string, FakeSubscription>;
  /** POSTs a change notification for the user to every live users subscription; the answers' statuses */
  notify(userId: string, changeType: 'updated' | 'deleted'): Promise<number[]>;
  close(): Promise<void>;
}

export interface FakeSubscription {
  id: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  clientState: string | null;
  expirationDateTime: string;
}

/** Graph's limit for a subscription on users */
export const USERS_SUBSCRIPTION_MAX_MINUTES = 41_760;

export interface GraphDeltaFakeOptions {
  /** items per page (users, or group slices) */
  pageSize?: number;
  /** members per group slice */
  memberSlice?: number;
  /** the fake's idea of now, for subscription expiry (Date.now by default) */
  now?: () => number;
}

const err = (status: number, code: string, message: string): FakeResponse => ({ status, body: { error: { code, message } } });
const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const dec = (s: string): any => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
const USER_TYPE = '#microsoft.graph.user';
const GROUP_TYPE = '#microsoft.graph.group';

export async function startGraphDeltaFake(options: GraphDeltaFakeOptions = {}): Promise<GraphDeltaFake> {
  const pageSize = options.pageSize ?? 2;
  const memberSlice = options.memberSlice ?? 2;
  const tenantId = randomUUID();
  const clientId = randomUUID();
  const clientSecret = `secret-${randomUUID()}`;
  const users = new Map<string, DeltaUser>();
  const groups = new Map<string, DeltaGroup>();
  // membership events per group: a delta round looks at one group's events, not everybody's
  const events = new Map<string, MemberEvent[]>();
  const tokens = new Map<string, number>();
  const counts = { tokens: 0, requests: 0 };
  let seq = 0;
  let validFrom = 0;
  let base = '';
  const now = options.now ?? (() => Date.now());
  const subscriptions = new Map<string, FakeSubscription>();
  const liveSubscription = (id: string) => {
    const sub = subscriptions.get(id);
    if (sub && Date.parse(sub.expirationDateTime) < now()) subscriptions.delete(id);
    return subscriptions.get(id);
  };
  const expiryProblem = (value: unknown): string | null => {
    const at = typeof value === 'string' ? Date.parse(value) : NaN;
    if (Number.isNaN(at)) return 'expirationDateTime is required and must be a date';
    if (at <= now()) return 'Subscription expiration can only be in the future.';
    if (at > now() + USERS_SUBSCRIPTION_MAX_MINUTES * 60_000) return `Subscription expiration can only be ${USERS_SUBSCRIPTION_MAX_MINUTES} minutes in the future.`;
    return null;
  };
  // what Graph does before it answers a create: the endpoint must echo the token as text/plain
  const validate = async (url: string): Promise<string | null> => {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
    try {
      const res = await fetch(`${url}${url.includes('?') ? '&' : '?'}validationToken=${encodeURIComponent(token)}`, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, signal: AbortSignal.timeout(10_000) });
      const text = await res.text();
      if (res.status !== 200) return `the notification endpoint answered ${res.status}`;
      if (!String(res.headers.get('content-type')).startsWith('text/plain')) return `the notification endpoint answered ${res.headers.get('content-type')}, not text/plain`;
      return text === token ? null : 'the notification endpoint did not echo the validation token';
    } catch (e) {
      return `the notification endpoint could not be reached: ${(e as Error).message}`;
    }
  };

  const authed = (handler: (req: FakeRequest) => FakeResponse) => (req: FakeRequest): FakeResponse => {
    counts.requests += 1;
    const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    const expiry = tokens.get(token);
    if (!expiry || expiry < Date.now()) return err(401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.');
    return handler(req);
  };

  const project = (u: DeltaUser, select: string[]) => {
    const out: Props = { id: u.id };
    for (const p of select) if (p !== 'manager' && u.props[p] !== undefined && u.props[p] !== null) out[p] = u.props[p];
    return out;
  };
  const managerEntry = (u: DeltaUser) =>
    u.manager ? [{ '@odata.type': USER_TYPE, id: u.manager }] : u.oldManager ? [{ '@odata.type': USER_TYPE, id: u.oldManager, '@removed': { reason: 'deleted' } }] : [];

  function userItems(since: number | null, select: string[]): unknown[] {
    const out: unknown[] = [];
    for (const u of users.values()) {
      if (since === null) {
        if (u.deleted) continue;
        const item = project(u, select);
        if (select.includes('manager') && u.manager) item['manager@delta'] = managerEntry(u);
        out.push(item);
      } else if (u.seq > since || u.managerSeq > since) {
        if (u.deleted) out.push({ id: u.id, '@removed': { reason: u.deleted } });
        else {
          const item = project(u, select);
          if (select.includes('manager') && u.managerSeq > since) item['manager@delta'] = managerEntry(u);
          out.push(item);
        }
      }
    }
    return out;
  }

  function groupItems(since: number | null): unknown[] {
    const out: unknown[] = [];
    for (const g of groups.values()) {
      let entries: unknown[];
      if (since === null) {
        if (g.deleted) continue;
        entries = [...g.members].map(([id, kind]) => ({ '@odata.type': kind === 'group' ? GROUP_TYPE : USER_TYPE, id }));
      } else {
        if (g.deleted) {
          if (g.seq > since) out.push({ id: g.id, '@removed': { reason: 'deleted' } });
          continue;
        }
        const last = new Map<string, MemberEvent>();
        for (const e of events.get(g.id) ?? []) if (e.seq > since) last.set(e.member, e);
        if (g.seq <= since && last.size === 0) continue;
        entries = [...last.values()].map((e) => ({ '@odata.type': e.kind === 'group' ? GROUP_TYPE : USER_TYPE, id: e.member, ...(e.added ? {} : { '@removed': { reason: 'deleted' } }) }));
      }
      // a big group comes in slices; only the first names it
      for (let i = 0; i === 0 || i < entries.length; i += memberSlice) {
        const slice = { id: g.id, 'members@delta': entries.slice(i, i + memberSlice) };
        out.push(i === 0 ? { ...slice, displayName: g.displayName, description: g.description } : slice);
      }
    }
    return out;
  }

  // One round's item list, kept while its pages are fetched and nothing changes: listing 100,000
  // users again for every page would make the fake, not the client, the bottleneck.
  let cached: { key: string; items: unknown[] } | null = null;
  const roundItems = (what: 'users' | 'groups', state: { since: number | null; at: number; select: string[] }): unknown[] => {
    const key = JSON.stringify([what, state.since, state.at, state.select, seq]);
    if (cached?.key !== key) cached = { key, items: what === 'users' ? userItems(state.since, state.select) : groupItems(state.since) };
    return cached.items;
  };

  const delta = (what: 'users' | 'groups') => authed((req) => {
    const skip = req.query.get('$skiptoken');
    const dtoken = req.query.get('$deltatoken');
    let state: { since: number | null; at: number; select: string[]; offset: number };
    if (skip) state = dec(skip);
    else if (dtoken) {
      const d = dec(dtoken);
      if (d.seq < validFrom) return err(410, 'syncStateNotFound', 'The sync state for this delta token was not found.');
      state = { since: d.seq, at: seq, select: d.select, offset: 0 };
    } else state = { since: null, at: seq, select: (req.query.get('$select') ?? '').split(',').filter(Boolean), offset: 0 };
    if (state.since !== null && state.since < validFrom) return err(410, 'syncStateNotFound', 'The sync state for this delta token was not found.');
    const items = roundItems(what, state);
    const value = items.slice(state.offset, state.offset + pageSize);
    const body: Record<string, unknown> = { '@odata.context': `${base}/v1.0/$metadata#${what}`, value };
    if (state.offset + pageSize < items.length) body['@odata.nextLink'] = `${base}/v1.0/${what}/delta?$skiptoken=${enc({ ...state, offset: state.offset + pageSize })}`;
    else body['@odata.deltaLink'] = `${base}/v1.0/${what}/delta?$deltatoken=${enc({ seq: state.at, select: state.select })}`;
    return { status: 200, body };
  });

  const live = (id: string) => {
    const u = users.get(id);
    return u && !u.deleted ? u : undefined;
  };
  const notFound = (id: string) => err(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);

  const routes = new Routes()
    .on('POST', '/:tenant/oauth2/v2.0/token', (req) => {
      const b = req.body ?? {};
      if (req.params.tenant !== tenantId) return { status: 400, body: { error: 'invalid_request', error_description: `AADSTS90002: Tenant '${req.params.tenant}' not found.` } };
      if (b.grant_type !== 'client_credentials' || b.scope !== 'https://graph.microsoft.com/.default') return { status: 400, body: { error: 'invalid_request', error_description: 'unsupported grant or scope' } };
      if (b.client_id !== clientId || b.client_secret !== clientSecret) return { status: 401, body: { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' } };
      const token = randomUUID();
      tokens.set(token, Date.now() + 3599 * 1000);
      counts.tokens += 1;
      return { status: 200, body: { token_type: 'Bearer', expires_in: 3599, access_token: token } };
    })
    .on('GET', '/v1.0/users/delta', delta('users'))
    .on('GET', '/v1.0/groups/delta', delta('groups'))
    .on('GET', '/v1.0/users/:id', authed((req) => {
      const u = live(req.params.id);
      return u ? { status: 200, body: project(u, (req.query.get('$select') ?? Object.keys(u.props).join(',')).split(',')) } : notFound(req.params.id);
    }))
    .on('GET', '/v1.0/users/:id/manager', authed((req) => {
      const u = live(req.params.id);
      const m = u?.manager ? live(u.manager) : undefined;
      return m ? { status: 200, body: { '@odata.type': USER_TYPE, ...project(m, (req.query.get('$select') ?? 'id').split(',')) } } : notFound(req.params.id);
    }))
    .on('GET', '/v1.0/subscriptions', authed(() => ({ status: 200, body: { value: [...subscriptions.keys()].map(liveSubscription).filter(Boolean) } })))
    .on('POST', '/v1.0/subscriptions', async (req) => {
      const denied = authed(() => ({ status: 0 }))(req);
      if (denied.status) return denied;
      const b = req.body ?? {};
      if (String(b.resource).toLowerCase() !== 'users') return err(400, 'InvalidRequest', `resource "${b.resource}" is not supported by this fake`);
      if (typeof b.changeType !== 'string' || !b.changeType.split(',').every((c: string) => ['created', 'updated', 'deleted'].includes(c))) return err(400, 'InvalidRequest', 'changeType must be created, updated or deleted, comma-separated');
      if (typeof b.notificationUrl !== 'string' || !/^https?:\/\//.test(b.notificationUrl)) return err(400, 'InvalidRequest', 'notificationUrl is required');
      if (typeof b.clientState === 'string' && b.clientState.length > 128) return err(400, 'InvalidRequest', 'clientState must be at most 128 characters');
      const problem = expiryProblem(b.expirationDateTime);
      if (problem) return err(400, 'InvalidRequest', problem);
      const failed = await validate(b.notificationUrl);
      if (failed) return err(400, 'InvalidRequest', `Subscription validation request failed. ${failed}`);
      const sub: FakeSubscription = { id: randomUUID(), resource: b.resource, changeType: b.changeType, notificationUrl: b.notificationUrl, clientState: b.clientState ?? null, expirationDateTime: new Date(Date.parse(b.expirationDateTime)).toISOString() };
      subscriptions.set(sub.id, sub);
      return { status: 201, body: { '@odata.context': `${base}/v1.0/$metadata#subscriptions/$entity`, ...sub } };
    })
    .on('PATCH', '/v1.0/subscriptions/:id', authed((req) => {
      const sub = liveSubscription(req.params.id);
      if (!sub) return err(404, 'ResourceNotFound', `The object was not found: subscription ${req.params.id}`);
      const problem = expiryProblem(req.body?.expirationDateTime);
      if (problem) return err(400, 'InvalidRequest', problem);
      sub.expirationDateTime = new Date(Date.parse(req.body.expirationDateTime)).toISOString();
      return { status: 200, body: sub };
    }))
    .on('GET', '/v1.0/groups/:id', authed((req) => {
      const g = groups.get(req.params.id);
      return g && !g.deleted ? { status: 200, body: { id: g.id, displayName: g.displayName, description: g.description } } : notFound(req.params.id);
    }));

  const server = await startFake(routes, (status, message) => ({ error: { code: status === 429 ? 'TooManyRequests' : 'InjectedFault', message } }));
  base = server.url;
  const user = (id: string) => {
    const u = users.get(id);
    if (!u) throw new Error(`graph-delta fake: no user ${id}`);
    return u;
  };
  const group = (id: string) => {
    const g = groups.get(id);
    if (!g) throw new Error(`graph-delta fake: no group ${id}`);
    return g;
  };
  const memberEvent = (g: DeltaGroup, member: string, added: boolean) => {
    const kind = groups.has(member) ? 'group' : 'user';
    if (added) g.members.set(member, kind);
    else g.members.delete(member);
    const list = events.get(g.id) ?? [];
    list.push({ seq: ++seq, group: g.id, member, kind, added });
    events.set(g.id, list);
  };
  return {
    authorityUrl: server.url,
    graphUrl: server.url,
    tenantId,
    clientId,
    clientSecret,
    server,
    counts,
    addUser: ({ id, ...props }, manager = null) => {
      const uid = id ?? randomUUID();
      users.set(uid, { id: uid, props: { accountEnabled: true, ...props }, manager, oldManager: null, deleted: null, seq: ++seq, managerSeq: seq });
      return uid;
    },
    updateUser: (id, props) => Object.assign(user(id), { seq: ++seq, props: { ...user(id).props, ...props } }),
    setManager: (id, manager) => Object.assign(user(id), { oldManager: user(id).manager, manager, managerSeq: ++seq }),
    softDelete: (id) => Object.assign(user(id), { deleted: 'changed', seq: ++seq }),
    restore: (id) => Object.assign(user(id), { deleted: null, seq: ++seq }),
    hardDelete: (id) => Object.assign(user(id), { deleted: 'deleted', seq: ++seq }),
    addGroup: (displayName, members = [], description) => {
      const g: DeltaGroup = { id: randomUUID(), displayName, description: description ?? null, members: new Map(), deleted: false, seq: ++seq };
      groups.set(g.id, g);
      for (const m of members) memberEvent(g, m, true);
      return g.id;
    },
    addMember: (g, m) => memberEvent(group(g), m, true),
    removeMember: (g, m) => memberEvent(group(g), m, false),
    deleteGroup: (g) => Object.assign(group(g), { deleted: true, seq: ++seq }),
    expireDeltaTokens: () => void (validFrom = seq + 1),
    fault: (f) => server.faults.push(f),
    expireTokens: () => {
      for (const t of tokens.keys()) tokens.set(t, 0);
    },
    subscriptions,
    notify: async (userId, changeType) => {
      const statuses: number[] = [];
      for (const sub of [...subscriptions.keys()].map(liveSubscription)) {
        if (!sub || !sub.changeType.split(',').includes(changeType)) continue;
        const value = [{
          subscriptionId: sub.id, subscriptionExpirationDateTime: sub.expirationDateTime, changeType, clientState: sub.clientState, tenantId,
          resource: `Users/${userId}`, resourceData: { '@odata.type': '#Microsoft.Graph.User', '@odata.id': `Users/${userId}`, id: userId, organizationId: tenantId },
        }];
        const res = await fetch(sub.notificationUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value }) });
        await res.text();
        statuses.push(res.status);
      }
      return statuses;
    },
    close: () => server.close(),
  };
}
