// Local Okta Management API fake: SSWS auth, /api/v1/users (create with activate, get, filter on
// profile.login and status, partial profile update, lifecycle activate/deactivate, sessions,
// two-step delete), /api/v1/groups (search by name; list with filter expressions on type,
// lastUpdated and lastMembershipUpdated; create; PUT/DELETE membership, which moves
// lastMembershipUpdated), /api/v1/groups/{id}/users, Link rel="next" paging (limit <= 200),
// X-Rate-Limit-* headers on every answer, 429 with E0000047 when exhausted.
import { randomBytes } from 'node:crypto';
import { Routes, startFake, type FakeRequest, type FakeResponse, type FakeServer } from './http-fake';
import { matchesOktaFilter, parseOktaFilter } from './okta-filter';

export type OktaStatus = 'STAGED' | 'PROVISIONED' | 'ACTIVE' | 'RECOVERY' | 'LOCKED_OUT' | 'PASSWORD_EXPIRED' | 'SUSPENDED' | 'DEPROVISIONED';

export interface OktaUser {
  id: string;
  status: OktaStatus;
  created: string;
  lastUpdated: string;
  profile: Record<string, string | null>;
}

export interface OktaGroup {
  id: string;
  /** APP_GROUP: imported from an app (Active Directory, Workday); BUILT_IN: Everyone */
  type: 'OKTA_GROUP' | 'APP_GROUP' | 'BUILT_IN';
  created: string;
  /** the profile (name, description) last changed */
  lastUpdated: string;
  /** a member last joined or left */
  lastMembershipUpdated: string;
  profile: { name: string; description: string | null };
  members: Set<string>;
}

export interface OktaFake {
  url: string;
  token: string;
  users: Map<string, OktaUser>;
  groups: Map<string, OktaGroup>;
  counts: { sessionsCleared: Map<string, number>; requests: number };
  server: FakeServer;
  /** user-list pages (GET /api/v1/users) answered 200, counted from 1 per listing */
  userPagesServed(): number;
  /** every answer for page `page` (1-based) of the plain user list is this one instead */
  failUserPage(page: number, response: FakeResponse): void;
  /** the filter of every group listing page asked for ('' for none), oldest first */
  groupFilters: string[];
  /** group-list pages (GET /api/v1/groups without a name search) answered 200 */
  groupPagesServed(): number;
  /** every answer for page `page` (1-based) of any group listing is this one instead */
  failGroupPage(page: number, response: FakeResponse): void;
  /** every answer for page `page` of the members of group `groupId` is this one instead */
  failMemberPage(groupId: string, page: number, response: FakeResponse): void;
  /** a group as an admin (OKTA_GROUP) or an app import (APP_GROUP) would make it */
  addGroup(name: string, members: string[], type?: OktaGroup['type']): OktaGroup;
  /** replace the members as membership edits would, moving lastMembershipUpdated */
  setMembers(groupId: string, members: string[]): void;
  /** group ids removed (Okta's list no longer shows a deleted group) */
  deleteGroup(groupId: string): void;
  /** answer the next matching /api/v1 request with this status; 429 carries the X-Rate-Limit-Reset */
  inject(status: number, retryAfterSeconds?: number, method?: string): void;
  close(): Promise<void>;
}

export interface OktaFakeOptions {
  /** X-Rate-Limit-Limit per 60 s window (default 600) */
  rateLimit?: number;
}

const oktaError = (status: number, code: string, summary: string, causes: string[] = []): FakeResponse => ({
  status,
  body: { errorCode: code, errorSummary: summary, errorLink: code, errorId: `oae${randomBytes(8).toString('hex')}`, errorCauses: causes.map((c) => ({ errorSummary: c })) },
});

function filterValue(filter: string, field: string, op = 'eq'): string | null {
  // one clause, or clauses joined by "and" (status eq "X" and lastUpdated gt "...")
  for (const clause of filter.split(/\s+and\s+/i)) {
    const m = new RegExp(`^${field.replace('.', '\\.')} ${op} "((?:[^"\\\\]|\\\\.)*)"$`, 'i').exec(clause.trim());
    if (m) return JSON.parse(`"${m[1]}"`);
  }
  return null;
}

/** Where the last page of a listing ended, so its next page goes on from there. */
interface ListCursor {
  filter: string | null;
  /** the last user of the page served */
  after: string;
  /** accepted users before the next page */
  start: number;
  /** the first user of the next page, found to decide that there is one */
  ahead: OktaUser;
  /** a live Map iterator just past `ahead`: it sees later inserts and deletes */
  rest: Iterator<OktaUser>;
}

interface UserPage {
  page: OktaUser[];
  /** accepted users before this page */
  start: number;
  /** set when there is a next page */
  next: ListCursor | null;
}

/**
 * One page of the users `keep` accepts, after the user `after`. The page after the one served last
 * goes on from its cursor, so a 100,000-user listing costs the fake one pass, not one per page.
 * Null when `after` names nobody.
 */
function pageOf(users: Map<string, OktaUser>, keep: (u: OktaUser) => boolean, size: number, after: string | null, filter: string | null, cursor: ListCursor | null): UserPage | null {
  let start = 0;
  let rest: Iterator<OktaUser> = users.values();
  const page: OktaUser[] = [];
  const resume = after !== null && cursor?.filter === filter && cursor.after === after && users.get(cursor.ahead.id) === cursor.ahead;
  if (resume) {
    ({ start, rest } = cursor!);
    if (keep(cursor!.ahead)) page.push(cursor!.ahead);
  } else if (after !== null) {
    let r = rest.next();
    for (; !r.done && r.value.id !== after; r = rest.next()) if (keep(r.value)) start++;
    if (r.done) return null;
    if (keep(r.value)) start++;
  }
  for (let r = rest.next(); !r.done; r = rest.next()) {
    if (!keep(r.value)) continue;
    if (page.length === size) return { page, start, next: { filter, after: page[size - 1].id, start: start + size, ahead: r.value, rest } };
    page.push(r.value);
  }
  return { page, start, next: null };
}

export async function startOktaFake(options: OktaFakeOptions = {}): Promise<OktaFake> {
  const token = `00${randomBytes(20).toString('base64url')}`;
  const users = new Map<string, OktaUser>();
  const groups = new Map<string, OktaGroup>();
  const now = () => new Date().toISOString();
  const newGroup = (name: string, type: OktaGroup['type'], description: string | null = null): OktaGroup => {
    const at = now();
    const g: OktaGroup = { id: `00g${randomBytes(8).toString('hex')}`, type, created: at, lastUpdated: at, lastMembershipUpdated: at, profile: { name, description }, members: new Set() };
    groups.set(g.id, g);
    return g;
  };
  const everyone = newGroup('Everyone', 'BUILT_IN', 'All users');
  const counts = { sessionsCleared: new Map<string, number>(), requests: 0 };
  const limit = options.rateLimit ?? 600;
  let window = { start: Date.now(), used: 0 };
  let base = '';
  let pagesServed = 0;
  let groupPages = 0;
  const pageFaults = new Map<number, FakeResponse>();
  const groupPageFaults = new Map<number, FakeResponse>();
  const memberPageFaults = new Map<string, FakeResponse>();
  const groupFilters: string[] = [];
  let cursor: ListCursor | null = null;

  const rateHeaders = (): Record<string, string> => ({
    'x-rate-limit-limit': String(limit),
    'x-rate-limit-remaining': String(Math.max(0, limit - window.used)),
    'x-rate-limit-reset': String(Math.floor((window.start + 60_000) / 1000)),
  });

  const authed = (handler: (req: FakeRequest) => FakeResponse) => (req: FakeRequest): FakeResponse => {
    counts.requests += 1;
    if (req.headers.authorization !== `SSWS ${token}`) return oktaError(401, 'E0000011', 'Invalid token provided');
    if (Date.now() - window.start > 60_000) window = { start: Date.now(), used: 0 };
    if (++window.used > limit) return oktaError(429, 'E0000047', 'API call exceeded rate limit due to too many requests.');
    return handler(req);
  };
  const find = (key: string) => users.get(key) ?? [...users.values()].find((u) => String(u.profile.login).toLowerCase() === key.toLowerCase());
  const notFound = (key: string) => oktaError(404, 'E0000007', `Not found: Resource not found: ${key} (User)`);
  const groupView = (g: OktaGroup) => ({
    id: g.id, created: g.created, lastUpdated: g.lastUpdated, lastMembershipUpdated: g.lastMembershipUpdated,
    objectClass: [g.type === 'APP_GROUP' ? 'okta:windows_security_principal' : 'okta:user_group'], type: g.type, profile: g.profile,
  });
  const touchMembers = (g: OktaGroup) => (g.lastMembershipUpdated = now());
  /** one page of `all` after the opaque cursor, with Link rel="next" when more remain */
  const paged = <T extends { id: string }>(req: FakeRequest, all: T[], path: string) => {
    const size = Math.min(Number(req.query.get('limit') ?? 200), 200);
    const after = req.query.get('after');
    const start = after ? all.findIndex((x) => x.id === after) + 1 : 0;
    const items = all.slice(start, start + size);
    const links = [`<${base}${path}?limit=${size}>; rel="self"`];
    if (start + size < all.length) {
      const q = new URLSearchParams({ limit: String(size), after: items[items.length - 1].id });
      const filter = req.query.get('filter');
      if (filter) q.set('filter', filter);
      links.push(`<${base}${path}?${q}>; rel="next"`);
    }
    return { items, number: Math.floor(start / size) + 1, headers: { link: links.join(', ') } };
  };

  const routes = new Routes()
    .on('GET', '/api/v1/users', authed((req) => {
      const filter = req.query.get('filter');
      let keep = (u: OktaUser) => u.status !== 'DEPROVISIONED'; // as documented: plain lists omit them
      if (filter) {
        const login = filterValue(filter, 'profile.login');
        const status = filterValue(filter, 'status');
        const since = filterValue(filter, 'lastUpdated', 'gt');
        if (login === null && status === null && since === null) return oktaError(400, 'E0000031', `Invalid search criteria: ${filter}`);
        keep = (u) =>
          (login === null || String(u.profile.login).toLowerCase() === login.toLowerCase()) &&
          // a delta list omits DEPROVISIONED users too
          (status !== null ? u.status === status : since === null || u.status !== 'DEPROVISIONED') &&
          (since === null || u.lastUpdated > since);
      }
      const size = Math.min(Number(req.query.get('limit') ?? 200), 200);
      const after = req.query.get('after');
      // an unknown cursor starts over
      const { page, start, next } = pageOf(users, keep, size, after, filter, cursor) ?? pageOf(users, keep, size, null, filter, null)!;
      cursor = next;
      const fault = filter ? undefined : pageFaults.get(Math.floor(start / size) + 1);
      if (fault) return fault;
      pagesServed += 1;
      const headers: Record<string, string> = {};
      const links = [`<${base}/api/v1/users?limit=${size}>; rel="self"`];
      if (next) {
        const q = new URLSearchParams({ limit: String(size), after: page[page.length - 1].id });
        if (filter) q.set('filter', filter);
        links.push(`<${base}/api/v1/users?${q}>; rel="next"`);
      }
      headers.link = links.join(', ');
      return { status: 200, body: page, headers };
    }))
    .on('POST', '/api/v1/users', authed((req) => {
      const profile = req.body?.profile ?? {};
      const missing = ['firstName', 'lastName', 'email', 'login'].filter((f) => !profile[f]);
      if (missing.length) return oktaError(400, 'E0000001', 'Api validation failed: profile', missing.map((f) => `${f}: The field cannot be left blank`));
      if (find(profile.login)) return oktaError(400, 'E0000001', 'Api validation failed: login', ['login: An object with this field already exists in the current organization']);
      const activate = req.query.get('activate') !== 'false';
      const user: OktaUser = { id: `00u${randomBytes(8).toString('hex')}`, status: activate ? 'PROVISIONED' : 'STAGED', created: now(), lastUpdated: now(), profile: { ...profile } };
      users.set(user.id, user);
      everyone.members.add(user.id);
      return { status: 200, body: user };
    }))
    .on('GET', '/api/v1/users/:id', authed((req) => {
      const u = find(req.params.id);
      return u ? { status: 200, body: u } : notFound(req.params.id);
    }))
    .on('POST', '/api/v1/users/:id', authed((req) => {
      const u = find(req.params.id);
      if (!u) return notFound(req.params.id);
      Object.assign(u.profile, req.body?.profile ?? {});
      u.lastUpdated = now();
      return { status: 200, body: u };
    }))
    .on('POST', '/api/v1/users/:id/lifecycle/deactivate', authed((req) => {
      const u = find(req.params.id);
      if (!u) return notFound(req.params.id);
      if (u.status === 'DEPROVISIONED') return oktaError(400, 'E0000001', 'Api validation failed: user', ['user: This operation is not allowed in the current status.']);
      u.status = 'DEPROVISIONED';
      u.lastUpdated = now();
      return { status: 200, body: {} };
    }))
    .on('POST', '/api/v1/users/:id/lifecycle/activate', authed((req) => {
      const u = find(req.params.id);
      if (!u) return notFound(req.params.id);
      if (u.status !== 'DEPROVISIONED' && u.status !== 'STAGED') return oktaError(403, 'E0000016', 'Activation failed because the user is already active');
      u.status = 'PROVISIONED';
      u.lastUpdated = now();
      return { status: 200, body: {} };
    }))
    .on('DELETE', '/api/v1/users/:id/sessions', authed((req) => {
      const u = find(req.params.id);
      if (!u) return notFound(req.params.id);
      counts.sessionsCleared.set(u.id, (counts.sessionsCleared.get(u.id) ?? 0) + 1);
      return { status: 204 };
    }))
    .on('DELETE', '/api/v1/users/:id', authed((req) => {
      const u = find(req.params.id);
      if (!u) return notFound(req.params.id);
      // Okta: the first DELETE of a user who is not DEPROVISIONED only deactivates them
      if (u.status !== 'DEPROVISIONED') u.status = 'DEPROVISIONED';
      else {
        users.delete(u.id);
        for (const g of groups.values()) g.members.delete(u.id);
      }
      return { status: 204 };
    }))
    .on('GET', '/api/v1/users/:id/groups', authed((req) => {
      const u = find(req.params.id);
      if (!u) return notFound(req.params.id);
      return { status: 200, body: [...groups.values()].filter((g) => g.members.has(u.id)).map(groupView) };
    }))
    .on('GET', '/api/v1/groups', authed((req) => {
      const search = req.query.get('search');
      const byName = filterValue(search ?? req.query.get('filter') ?? '', 'profile.name');
      if (byName !== null) return { status: 200, body: [...groups.values()].filter((g) => g.profile.name.toLowerCase() === byName.toLowerCase()).map(groupView) };
      let all = [...groups.values()].map(groupView);
      const filter = search ?? req.query.get('filter');
      groupFilters.push(filter ?? '');
      if (filter) {
        try {
          const tree = parseOktaFilter(filter);
          all = all.filter((g) => matchesOktaFilter(tree, g));
        } catch {
          return oktaError(400, 'E0000031', `Invalid search criteria: ${filter}`);
        }
      }
      const page = paged(req, all, '/api/v1/groups');
      const fault = groupPageFaults.get(page.number);
      if (fault) return fault;
      groupPages += 1;
      return { status: 200, body: page.items, headers: page.headers };
    }))
    .on('GET', '/api/v1/groups/:gid/users', authed((req) => {
      const g = groups.get(req.params.gid);
      if (!g) return oktaError(404, 'E0000007', `Not found: Resource not found: ${req.params.gid} (UserGroup)`);
      const members = [...g.members].map((id) => users.get(id)).filter((u): u is OktaUser => u !== undefined);
      const page = paged(req, members, `/api/v1/groups/${g.id}/users`);
      const fault = memberPageFaults.get(`${g.id} ${page.number}`);
      if (fault) return fault;
      return { status: 200, body: page.items, headers: page.headers };
    }))
    .on('POST', '/api/v1/groups', authed((req) => {
      const name = req.body?.profile?.name;
      if (!name) return oktaError(400, 'E0000001', 'Api validation failed: name', ['name: The field cannot be left blank']);
      const g = newGroup(name, 'OKTA_GROUP', req.body.profile.description ?? null);
      return { status: 200, body: groupView(g) };
    }))
    .on('PUT', '/api/v1/groups/:gid/users/:uid', authed((req) => {
      const g = groups.get(req.params.gid);
      const u = users.get(req.params.uid);
      if (!g || !u) return oktaError(404, 'E0000007', `Not found: Resource not found: ${req.params.gid} (UserGroup)`);
      if (g.type === 'BUILT_IN') return oktaError(400, 'E0000001', 'Api validation failed: group', ['Cannot modify the membership of a built-in group']);
      g.members.add(u.id);
      touchMembers(g);
      return { status: 204 };
    }))
    .on('DELETE', '/api/v1/groups/:gid/users/:uid', authed((req) => {
      const g = groups.get(req.params.gid);
      if (!g) return oktaError(404, 'E0000007', `Not found: Resource not found: ${req.params.gid} (UserGroup)`);
      // Okta answers 204 whether or not they were a member
      if (g.members.delete(req.params.uid)) touchMembers(g);
      return { status: 204 };
    }));

  const server = await startFake(
    routes,
    (status, message) => ({ errorCode: status === 429 ? 'E0000047' : 'E0000009', errorSummary: message, errorCauses: [] }),
    (res) => ({ ...res, headers: { ...rateHeaders(), ...(res.headers ?? {}) } }),
  );
  base = server.url;
  return {
    url: server.url,
    token,
    users,
    groups,
    counts,
    server,
    userPagesServed: () => pagesServed,
    failUserPage: (page, response) => {
      pageFaults.set(page, response);
    },
    groupFilters,
    groupPagesServed: () => groupPages,
    failGroupPage: (page, response) => {
      groupPageFaults.set(page, response);
    },
    failMemberPage: (groupId, page, response) => {
      memberPageFaults.set(`${groupId} ${page}`, response);
    },
    addGroup: (name, members, type = 'OKTA_GROUP') => {
      const g = newGroup(name, type);
      members.forEach((id) => g.members.add(id));
      return g;
    },
    setMembers: (groupId, members) => {
      const g = groups.get(groupId)!;
      g.members = new Set(members);
      touchMembers(g);
    },
    deleteGroup: (groupId) => {
      groups.delete(groupId);
    },
    inject: (status, retryAfter, method) => {
      const headers: Record<string, string> = rateHeaders();
      if (status === 429) {
        headers['x-rate-limit-remaining'] = '0';
        headers['x-rate-limit-reset'] = String(Math.floor(Date.now() / 1000) + (retryAfter ?? 1));
      }
      server.faults.push({ status, method, path: /^\/api\/v1\//, headers });
    },
    close: () => server.close(),
  };
}

