// Local Microsoft Graph + identity platform fake: client-credentials tokens (expires_in 3599),
// /v1.0/users (create, get, $filter on userPrincipalName, $top paging with @odata.nextLink, PATCH,
// DELETE, revokeSignInSessions, memberOf), /v1.0/groups (create, $filter, members/$ref add and
// remove), error bodies {error:{code,message}}, and throttling (429 + Retry-After) like the real API.
import { randomUUID } from 'node:crypto';
import { Routes, startFake, type FakeRequest, type FakeResponse, type FakeServer } from './http-fake';

export interface GraphUser {
  id: string;
  userPrincipalName: string;
  mailNickname: string;
  displayName: string;
  accountEnabled: boolean;
  givenName?: string | null;
  surname?: string | null;
  mail?: string | null;
  jobTitle?: string | null;
  department?: string | null;
  employeeId?: string | null;
  [k: string]: unknown;
}

export interface GraphGroup {
  id: string;
  displayName: string;
  members: Set<string>;
}

export interface GraphFake {
  /** authority base, e.g. http://127.0.0.1:1234 (token at /{tenant}/oauth2/v2.0/token) */
  authorityUrl: string;
  /** Graph base, e.g. http://127.0.0.1:1234 (API at /v1.0/...) */
  graphUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  users: Map<string, GraphUser>;
  groups: Map<string, GraphGroup>;
  counts: { tokens: number; revokes: Map<string, number>; requests: number };
  server: FakeServer;
  /** answer the next matching request with this status (Retry-After seconds for 429/503) */
  inject(status: number, retryAfter?: number, method?: string): void;
  /** expire every issued token now (the next call gets 401 InvalidAuthenticationToken) */
  expireTokens(): void;
  close(): Promise<void>;
}

export interface GraphFakeOptions {
  /** requests per second before answering 429 with Retry-After (0 = unlimited) */
  requestsPerSecond?: number;
  /**
   * Entra is eventually consistent: a user just created may be unknown to group membership calls
   * for a few seconds (404 Request_ResourceNotFound). Simulates that window.
   */
  replicationDelayMs?: number;
}

const err = (status: number, code: string, message: string): FakeResponse => ({ status, body: { error: { code, message, innerError: { 'request-id': randomUUID() } } } });

function matchFilter(filter: string, field: string): string | null {
  // the fake understands the equality filters the connector sends: field eq 'value' ('' escapes ')
  const m = new RegExp(`^${field} eq '((?:[^']|'')*)'$`, 'i').exec(filter.trim());
  return m ? m[1].replace(/''/g, "'") : null;
}

export async function startGraphFake(options: GraphFakeOptions = {}): Promise<GraphFake> {
  const tenantId = randomUUID();
  const clientId = randomUUID();
  const clientSecret = `secret-${randomUUID()}`;
  const users = new Map<string, GraphUser>();
  const createdAt = new Map<string, number>();
  const groups = new Map<string, GraphGroup>();
  const tokens = new Map<string, number>(); // token -> expiry ms
  const counts = { tokens: 0, revokes: new Map<string, number>(), requests: 0 };
  let windowStart = Date.now();
  let windowCount = 0;
  let base = '';

  const authed = (handler: (req: FakeRequest) => FakeResponse) => (req: FakeRequest): FakeResponse => {
    counts.requests += 1;
    const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    const expiry = tokens.get(token);
    if (!expiry || expiry < Date.now()) return err(401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.');
    if (options.requestsPerSecond) {
      if (Date.now() - windowStart > 1000) {
        windowStart = Date.now();
        windowCount = 0;
      }
      if (++windowCount > options.requestsPerSecond) {
        return { ...err(429, 'TooManyRequests', 'Too many requests'), headers: { 'retry-after': '1' } };
      }
    }
    return handler(req);
  };

  const select = (u: GraphUser) => ({ ...u });
  const userByKey = (key: string) => users.get(key) ?? [...users.values()].find((u) => u.userPrincipalName.toLowerCase() === key.toLowerCase());

  const routes = new Routes()
    .on('POST', '/:tenant/oauth2/v2.0/token', (req) => {
      const b = req.body ?? {};
      if (req.params.tenant !== tenantId) return { status: 400, body: { error: 'invalid_request', error_description: `AADSTS90002: Tenant '${req.params.tenant}' not found.` } };
      if (b.grant_type !== 'client_credentials' || b.scope !== 'https://graph.microsoft.com/.default') {
        return { status: 400, body: { error: 'invalid_request', error_description: 'unsupported grant or scope' } };
      }
      if (b.client_id !== clientId || b.client_secret !== clientSecret) return { status: 401, body: { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' } };
      const token = randomUUID();
      tokens.set(token, Date.now() + 3599 * 1000);
      counts.tokens += 1;
      return { status: 200, body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token } };
    })
    .on('GET', '/v1.0/users', authed((req) => {
      const filter = req.query.get('$filter');
      let all = [...users.values()];
      if (filter) {
        const upn = matchFilter(filter, 'userPrincipalName');
        if (upn === null) return err(400, 'Request_UnsupportedQuery', `Unsupported filter: ${filter}`);
        all = all.filter((u) => u.userPrincipalName.toLowerCase() === upn.toLowerCase());
      }
      const top = Math.min(Number(req.query.get('$top') ?? 100), 999);
      const skip = Number(req.query.get('$skiptoken') ?? 0);
      const page = all.slice(skip, skip + top);
      const body: Record<string, unknown> = { '@odata.context': `${base}/v1.0/$metadata#users`, value: page.map(select) };
      if (skip + top < all.length) body['@odata.nextLink'] = `${base}/v1.0/users?$top=${top}&$skiptoken=${skip + top}`;
      return { status: 200, body };
    }))
    .on('POST', '/v1.0/users', authed((req) => {
      const b = req.body ?? {};
      for (const f of ['accountEnabled', 'displayName', 'mailNickname', 'userPrincipalName', 'passwordProfile']) {
        if (b[f] === undefined) return err(400, 'Request_BadRequest', `Property '${f}' is required when creating the object.`);
      }
      if (userByKey(b.userPrincipalName)) return err(400, 'Request_BadRequest', 'Another object with the same value for property userPrincipalName already exists.');
      const { passwordProfile: _p, ...rest } = b;
      const user: GraphUser = { ...rest, id: randomUUID() };
      users.set(user.id, user);
      createdAt.set(user.id, Date.now());
      return { status: 201, body: select(user) };
    }))
    .on('GET', '/v1.0/users/:id', authed((req) => {
      const u = userByKey(req.params.id);
      return u ? { status: 200, body: select(u) } : err(404, 'Request_ResourceNotFound', `Resource '${req.params.id}' does not exist or one of its queried reference-property objects are not present.`);
    }))
    .on('PATCH', '/v1.0/users/:id', authed((req) => {
      const u = userByKey(req.params.id);
      if (!u) return err(404, 'Request_ResourceNotFound', `Resource '${req.params.id}' does not exist.`);
      if (req.body?.__malformed) return err(400, 'BadRequest', 'Unable to read JSON request payload.');
      Object.assign(u, req.body);
      return { status: 204 };
    }))
    .on('DELETE', '/v1.0/users/:id', authed((req) => {
      const u = userByKey(req.params.id);
      if (!u) return err(404, 'Request_ResourceNotFound', `Resource '${req.params.id}' does not exist.`);
      users.delete(u.id);
      for (const g of groups.values()) g.members.delete(u.id);
      return { status: 204 };
    }))
    .on('POST', '/v1.0/users/:id/revokeSignInSessions', authed((req) => {
      const u = userByKey(req.params.id);
      if (!u) return err(404, 'Request_ResourceNotFound', `Resource '${req.params.id}' does not exist.`);
      counts.revokes.set(u.id, (counts.revokes.get(u.id) ?? 0) + 1);
      return { status: 200, body: { '@odata.context': `${base}/v1.0/$metadata#Edm.Boolean`, value: true } };
    }))
    .on('GET', '/v1.0/users/:id/memberOf', authed((req) => {
      const u = userByKey(req.params.id);
      if (!u) return err(404, 'Request_ResourceNotFound', `Resource '${req.params.id}' does not exist.`);
      const value = [...groups.values()].filter((g) => g.members.has(u.id)).map((g) => ({ '@odata.type': '#microsoft.graph.group', id: g.id, displayName: g.displayName }));
      return { status: 200, body: { value } };
    }))
    .on('GET', '/v1.0/groups', authed((req) => {
      const filter = req.query.get('$filter');
      const name = filter ? matchFilter(filter, 'displayName') : null;
      if (filter && name === null) return err(400, 'Request_UnsupportedQuery', `Unsupported filter: ${filter}`);
      const value = [...groups.values()].filter((g) => name === null || g.displayName.toLowerCase() === name.toLowerCase()).map((g) => ({ id: g.id, displayName: g.displayName }));
      return { status: 200, body: { value } };
    }))
    .on('POST', '/v1.0/groups', authed((req) => {
      const b = req.body ?? {};
      for (const f of ['displayName', 'mailEnabled', 'mailNickname', 'securityEnabled']) {
        if (b[f] === undefined) return err(400, 'Request_BadRequest', `Property '${f}' is required when creating the object.`);
      }
      const g: GraphGroup = { id: randomUUID(), displayName: b.displayName, members: new Set() };
      groups.set(g.id, g);
      return { status: 201, body: { id: g.id, displayName: g.displayName } };
    }))
    .on('POST', '/v1.0/groups/:gid/members/$ref', authed((req) => {
      const g = groups.get(req.params.gid);
      if (!g) return err(404, 'Request_ResourceNotFound', `Resource '${req.params.gid}' does not exist.`);
      const ref = String(req.body?.['@odata.id'] ?? '');
      const uid = ref.split('/').pop() ?? '';
      if (!/\/directoryObjects\/[^/]+$/.test(ref) || !users.has(uid)) return err(400, 'Request_BadRequest', `Invalid object identifier '${ref}'.`);
      if (Date.now() - (createdAt.get(uid) ?? 0) < (options.replicationDelayMs ?? 0)) {
        return err(404, 'Request_ResourceNotFound', `Resource '${uid}' does not exist or one of its queried reference-property objects are not present.`);
      }
      if (g.members.has(uid)) return err(400, 'Request_BadRequest', "One or more added object references already exist for the following modified properties: 'members'.");
      g.members.add(uid);
      return { status: 204 };
    }))
    .on('DELETE', '/v1.0/groups/:gid/members/:uid/$ref', authed((req) => {
      const g = groups.get(req.params.gid);
      if (!g || !g.members.has(req.params.uid)) return err(404, 'Request_ResourceNotFound', `Resource '${req.params.uid}' does not exist or one of its queried reference-property objects are not present.`);
      g.members.delete(req.params.uid);
      return { status: 204 };
    }));

  const server = await startFake(routes, (status, message) => ({ error: { code: status === 429 ? 'TooManyRequests' : 'InjectedFault', message } }));
  base = server.url;
  return {
    authorityUrl: server.url,
    graphUrl: server.url,
    tenantId,
    clientId,
    clientSecret,
    users,
    groups,
    counts,
    server,
    inject: (status, retryAfter, method) => server.faults.push({ status, retryAfter, method, path: /^\/v1\.0\// }),
    expireTokens: () => {
      for (const t of tokens.keys()) tokens.set(t, 0);
    },
    close: () => server.close(),
  };
}
