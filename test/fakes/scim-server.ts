// A real SCIM 2.0 service provider for tests, drills and benchmarks: scimmy + scimmy-routers on
// express, in-memory resources, bearer token check, request/effect counters and fault injection.
// scimmy's resource handlers are process-global, so every server passes its own state as the
// handler context; several servers can run in one process.
import express from 'express';
import type { Request, Response, NextFunction } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import SCIMMYRouters, { SCIMMY } from 'scimmy-routers';

export const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

type Json = Record<string, any>;

export interface ScimFault {
  /** HTTP status to answer with; 0 means "no status change", useful with delayMs or body */
  status: number;
  /** only requests with this method (GET, POST, PUT, PATCH, DELETE) */
  method?: string;
  /** only requests whose path matches */
  path?: RegExp;
  /** Retry-After header in seconds */
  retryAfter?: number;
  /** raw body sent instead of a SCIM error (e.g. malformed JSON) */
  body?: string;
  /** wait before answering (simulates a slow provider) */
  delayMs?: number;
  /** let the request through but answer without a body (providers that only send Location) */
  stripBody?: boolean;
  /** how many requests it applies to (default 1; Infinity for all) */
  times?: number;
}

export interface ScimServerOptions {
  token?: string;
  /** mount path of the SCIM endpoints */
  basePath?: string;
  /** match `userName eq` filters case-insensitively, as RFC 7643 says (scimmy alone does not) */
  caseInsensitiveFilter?: boolean;
  /** answer PATCH with 501 (Okta-style providers that only accept PUT) */
  patchSupported?: boolean;
  /** return meta.version and enforce If-Match with 412 */
  etags?: boolean;
  /**
   * return the read-only `groups` attribute on Users (RFC 7643 4.1.2), computed from Group
   * membership; false imitates providers that leave it out, so clients must ask /Groups
   */
  userGroups?: boolean;
}

export interface ScimEffects {
  requests: number;
  byMethod: Record<string, number>;
  usersCreated: number;
  usersReplaced: number;
  usersDeleted: number;
  groupsCreated: number;
  groupsReplaced: number;
}

export interface ScimServer {
  /** base URL of the SCIM endpoints, e.g. http://127.0.0.1:1234/scim/v2 */
  url: string;
  token: string;
  users: Map<string, Json>;
  groups: Map<string, Json>;
  effects: ScimEffects;
  /** method + path + status of every request answered, in order */
  log: { method: string; path: string; status: number; ifMatch?: string; body?: any }[];
  inject(fault: ScimFault): void;
  clearFaults(): void;
  /** bump a user's version as if someone else changed it (to provoke a 412) */
  touchUser(id: string): void;
  close(): Promise<void>;
}

interface ServerState {
  users: Map<string, Json>;
  groups: Map<string, Json>;
  versions: Map<string, number>;
  effects: ScimEffects;
  options: Required<ScimServerOptions>;
}

function versionTag(state: ServerState, id: string): string {
  return `W/"${state.versions.get(id) ?? 1}"`;
}

function bump(state: ServerState, id: string): void {
  state.versions.set(id, (state.versions.get(id) ?? 0) + 1);
}

function withMeta(state: ServerState, resource: Json): Json {
  const meta: Json = { created: resource.__created, lastModified: resource.__modified };
  if (state.options.etags) meta.version = versionTag(state, resource.id);
  const { __created: _c, __modified: _m, ...rest } = resource;
  return { ...rest, meta };
}

/** A User as the provider shows it: with the groups it belongs to when the provider says so. */
function userOut(state: ServerState, user: Json): Json {
  if (!state.options.userGroups) return withMeta(state, user);
  const groups = [...state.groups.values()]
    .filter((g) => (g.members ?? []).some((m: Json) => m.value === user.id))
    .map((g) => ({ value: g.id, display: g.displayName, type: 'direct' }));
  return withMeta(state, { ...user, groups });
}

/** `attr eq "value"` filters the connector sends on every lookup; answered without a full scan of JSON copies. */
const SIMPLE_EQ = /^\s*(userName|displayName|members\.value)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i;

/** scimmy's Filter compares strings case-sensitively; lower-case both sides when asked to. */
function applyFilter(state: ServerState, resource: any, all: Json[]): Json[] {
  const filter = resource.filter;
  if (!filter) return all;
  const insensitive = state.options.caseInsensitiveFilter;
  const simple = SIMPLE_EQ.exec(String(filter.expression));
  if (simple) {
    const attr = simple[1].toLowerCase();
    const want: string = JSON.parse(`"${simple[2]}"`);
    const same = (v: unknown) => typeof v === 'string' && (insensitive && attr !== 'members.value' ? v.toLowerCase() === want.toLowerCase() : v === want);
    if (attr === 'members.value') return all.filter((r) => (r.members ?? []).some((m: Json) => same(m.value)));
    return all.filter((r) => same(attr === 'username' ? r.userName : r.displayName));
  }
  if (!insensitive) return filter.match(all);
  const lowered = new SCIMMY.Types.Filter(String(filter.expression).toLowerCase());
  const byLower = all.map((r) => ({ original: r, copy: JSON.parse(JSON.stringify(r).toLowerCase()) }));
  const hits = new Set(lowered.match(byLower.map((b) => b.copy)));
  return byLower.filter((b) => hits.has(b.copy)).map((b) => b.original);
}

function notFound(id: string): Error {
  return new SCIMMY.Types.Error(404, null as any, `Resource ${id} not found`);
}

function plain(instance: any): Json {
  return JSON.parse(JSON.stringify(instance));
}

let declared = false;

function declareHandlers(): void {
  if (declared) return;
  declared = true;
  SCIMMY.Resources.declare(SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false) as any);
  SCIMMY.Resources.declare(SCIMMY.Resources.Group);

  SCIMMY.Resources.User.egress((resource: any, state: ServerState) => {
    if (resource.id) {
      const user = state.users.get(resource.id);
      if (!user) throw notFound(resource.id);
      return userOut(state, user) as any;
    }
    return applyFilter(state, resource, [...state.users.values()]).map((u) => userOut(state, u)) as any;
  });
  SCIMMY.Resources.User.ingress((resource: any, instance: any, state: ServerState) => {
    const now = new Date().toISOString();
    const data = plain(instance);
    delete data.schemas;
    delete data.meta;
    delete data.groups; // read-only: membership lives on the Groups
    const lower = String(data.userName ?? '').toLowerCase();
    for (const other of state.users.values()) {
      if (other.id !== resource.id && String(other.userName).toLowerCase() === lower) {
        throw new SCIMMY.Types.Error(409, 'uniqueness', `userName "${data.userName}" is already taken`);
      }
    }
    if (resource.id) {
      const old = state.users.get(resource.id);
      if (!old) throw notFound(resource.id);
      const next = { ...data, id: resource.id, __created: old.__created, __modified: now };
      state.users.set(resource.id, next);
      bump(state, resource.id);
      state.effects.usersReplaced += 1;
      return userOut(state, next) as any;
    }
    const id = randomUUID();
    const created = { ...data, id, __created: now, __modified: now };
    state.users.set(id, created);
    bump(state, id);
    state.effects.usersCreated += 1;
    return userOut(state, created) as any;
  });
  SCIMMY.Resources.User.degress((resource: any, state: ServerState) => {
    if (!state.users.delete(resource.id)) throw notFound(resource.id);
    for (const group of state.groups.values()) {
      group.members = (group.members ?? []).filter((m: Json) => m.value !== resource.id);
    }
    state.effects.usersDeleted += 1;
  });

  SCIMMY.Resources.Group.egress((resource: any, state: ServerState) => {
    if (resource.id) {
      const group = state.groups.get(resource.id);
      if (!group) throw notFound(resource.id);
      return withMeta(state, group) as any;
    }
    return applyFilter(state, resource, [...state.groups.values()]).map((g) => withMeta(state, g)) as any;
  });
  SCIMMY.Resources.Group.ingress((resource: any, instance: any, state: ServerState) => {
    const now = new Date().toISOString();
    const data = plain(instance);
    delete data.schemas;
    delete data.meta;
    data.members = (data.members ?? []).map((m: Json) => ({ value: m.value, display: state.users.get(m.value)?.userName }));
    if (resource.id) {
      const old = state.groups.get(resource.id);
      if (!old) throw notFound(resource.id);
      const next = { ...data, id: resource.id, __created: old.__created, __modified: now };
      state.groups.set(resource.id, next);
      bump(state, resource.id);
      state.effects.groupsReplaced += 1;
      return withMeta(state, next) as any;
    }
    const id = randomUUID();
    const created = { ...data, id, __created: now, __modified: now };
    state.groups.set(id, created);
    bump(state, id);
    state.effects.groupsCreated += 1;
    return withMeta(state, created) as any;
  });
  SCIMMY.Resources.Group.degress((resource: any, state: ServerState) => {
    if (!state.groups.delete(resource.id)) throw notFound(resource.id);
  });
}

function scimError(res: Response, status: number, detail: string, scimType?: string): void {
  res
    .status(status)
    .type('application/scim+json')
    .send(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), scimType, detail }));
}

export async function startScimServer(options: ScimServerOptions = {}): Promise<ScimServer> {
  declareHandlers();
  const opts: Required<ScimServerOptions> = {
    token: options.token ?? `tok-${randomUUID()}`,
    basePath: options.basePath ?? '/scim/v2',
    caseInsensitiveFilter: options.caseInsensitiveFilter ?? false,
    patchSupported: options.patchSupported ?? true,
    etags: options.etags ?? true,
    userGroups: options.userGroups ?? true,
  };
  const state: ServerState = {
    users: new Map(),
    groups: new Map(),
    versions: new Map(),
    options: opts,
    effects: { requests: 0, byMethod: {}, usersCreated: 0, usersReplaced: 0, usersDeleted: 0, groupsCreated: 0, groupsReplaced: 0 },
  };
  const faults: ScimFault[] = [];
  const log: ScimServer['log'] = [];

  const app = express();
  app.use((req: Request, res: Response, next: NextFunction) => {
    state.effects.requests += 1;
    state.effects.byMethod[req.method] = (state.effects.byMethod[req.method] ?? 0) + 1;
    res.on('finish', () => log.push({ method: req.method, path: req.originalUrl.split('?')[0], status: res.statusCode, ifMatch: req.header('if-match'), body: req.body }));
    next();
  });
  app.use(async (req: Request, res: Response, next: NextFunction) => {
    const fault = faults.find((f) => (!f.method || f.method === req.method) && (!f.path || f.path.test(req.path)));
    if (!fault) return next();
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) faults.splice(faults.indexOf(fault), 1);
    if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (res.destroyed) return;
    if (fault.stripBody) {
      res.json = res.send = function () {
        return res.end() as unknown as Response;
      };
      return next();
    }
    if (fault.retryAfter !== undefined) res.setHeader('Retry-After', String(fault.retryAfter));
    if (fault.body !== undefined) {
      res.status(fault.status || 200).type('application/scim+json').send(fault.body);
      return;
    }
    if (!fault.status) return next();
    scimError(res, fault.status, `injected fault ${fault.status}`);
  });
  // Express 5 re-parses req.query on every access, so scimmy-routers' cast of startIndex/count
  // to numbers is lost and paging silently ignores `count`: pin a mutable copy first.
  app.use((req: Request, _res: Response, next: NextFunction) => {
    Object.defineProperty(req, 'query', { value: { ...req.query }, writable: true, configurable: true });
    next();
  });
  const resourcePath = new RegExp(`^${opts.basePath}/(Users|Groups)/([^/]+)$`);
  app.use((req: Request, res: Response, next: NextFunction) => {
    const m = resourcePath.exec(req.path);
    if (m && req.method === 'PATCH' && !opts.patchSupported) return scimError(res, 501, 'PATCH is not supported');
    const ifMatch = req.header('if-match');
    if (m && opts.etags && ifMatch && ['PUT', 'PATCH', 'DELETE'].includes(req.method)) {
      const id = decodeURIComponent(m[2]);
      if (state.versions.has(id) && ifMatch !== '*' && ifMatch !== versionTag(state, id)) {
        return scimError(res, 412, `version mismatch: current ${versionTag(state, id)}, got ${ifMatch}`, 'invalidVers');
      }
    }
    next();
  });
  app.use(
    opts.basePath,
    new SCIMMYRouters({
      type: 'bearer',
      handler: (req: Request) => {
        if (req.header('authorization') !== `Bearer ${opts.token}`) throw new Error('Invalid or missing bearer token');
        return 'idsync';
      },
      context: () => state,
    }) as any,
  );

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = (server.address() as AddressInfo).port;
  let closed = false;
  return {
    url: `http://127.0.0.1:${port}${opts.basePath}`,
    token: opts.token,
    users: state.users,
    groups: state.groups,
    effects: state.effects,
    log,
    inject: (fault) => faults.push({ times: 1, ...fault }),
    clearFaults: () => faults.splice(0, faults.length),
    touchUser: (id) => bump(state, id),
    close: async () => {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}
