// A Google Workspace Directory API fake: the OAuth token endpoint verifies the service account's
// RS256 assertion against its public key (iss, sub, scope, aud, exp) and the Directory endpoints
// page users (and deleted users with showDeleted=true), groups and members with nextPageToken.
// Faults are injected per page through `server.faults` (path + a `page` query match).
import { createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { Routes, startFake, type FakeRequest, type FakeResponse, type FakeServer } from './http-fake';

export const GOOGLE_SCOPES = ['https://www.googleapis.com/auth/admin.directory.user.readonly', 'https://www.googleapis.com/auth/admin.directory.group.readonly'];

export interface FakeUser {
  id?: string;
  primaryEmail: string;
  [key: string]: unknown;
}

export interface FakeGroup {
  id: string;
  email: string;
  name: string;
  description?: string;
  members: Array<{ id?: string; email?: string; type: 'USER' | 'GROUP' | 'CUSTOMER' }>;
}

export interface ServiceAccount {
  /** the key file's JSON text, as Google's console writes it */
  json: string;
  clientEmail: string;
  publicKey: KeyObject;
}

export function makeServiceAccount(tokenUri: string, clientEmail = 'idsync@acme-project.iam.gserviceaccount.com'): ServiceAccount {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const json = JSON.stringify({
    type: 'service_account',
    project_id: 'acme-project',
    private_key_id: 'a1b2c3d4e5',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: clientEmail,
    client_id: '108765432109876543210',
    token_uri: tokenUri,
  }, null, 2);
  return { json, clientEmail, publicKey };
}

/** Answer for the first request matching path (and page number, counted from 1) instead of the data. */
export interface PageFault {
  path: RegExp;
  page?: number;
  status: number;
  body?: string;
  retryAfter?: number;
  /** how many times it fires (default once) */
  times?: number;
}

export interface GoogleDirectoryFake {
  server: FakeServer;
  url: string;
  tokenUrl: string;
  users: FakeUser[];
  deletedUsers: FakeUser[];
  groups: FakeGroup[];
  pageFaults: PageFault[];
  /** accepted service accounts (client_email -> public key) and the admin they may act as */
  accounts: Map<string, KeyObject>;
  subject: string;
  tokensIssued: number;
  /** 2xx answers to the (not deleted) user listing */
  userPagesServed: number;
  /** how long issued tokens live (seconds) */
  tokenLifetime: number;
  /** requests per path, for paging assertions */
  queries: Array<{ path: string; query: Record<string, string> }>;
  close(): Promise<void>;
}

export async function startGoogleDirectoryFake(opts: { subject: string; pageSize?: number }): Promise<GoogleDirectoryFake> {
  const issued = new Set<string>();
  const state: Omit<GoogleDirectoryFake, 'server' | 'url' | 'tokenUrl' | 'close'> = {
    users: [], deletedUsers: [], groups: [], pageFaults: [], accounts: new Map(), subject: opts.subject, tokensIssued: 0, userPagesServed: 0, tokenLifetime: 3599, queries: [],
  };
  const cap = opts.pageSize ?? 500;
  let tokenUrl = '';

  const authorised = (req: FakeRequest): FakeResponse | null => {
    const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    if (!token || !issued.has(token)) return { status: 401, body: googleError(401, 'Request had invalid authentication credentials.', 'authError') };
    return null;
  };
  const faultFor = (req: FakeRequest, page: number): FakeResponse | null => {
    const f = state.pageFaults.find((x) => x.path.test(req.path) && (x.page === undefined || x.page === page));
    if (!f) return null;
    if ((f.times ?? 1) <= 1) state.pageFaults.splice(state.pageFaults.indexOf(f), 1);
    else f.times = (f.times ?? 1) - 1;
    return { status: f.status, body: f.body ?? googleError(f.status, `injected fault ${f.status}`, 'backendError'), headers: f.retryAfter !== undefined ? { 'retry-after': String(f.retryAfter) } : {} };
  };
  const paged = (req: FakeRequest, key: string, all: unknown[], defaultMax: number, maxCap: number): FakeResponse => {
    state.queries.push({ path: req.path, query: Object.fromEntries(req.query) });
    const denied = authorised(req);
    if (denied) return denied;
    const max = Math.min(Number(req.query.get('maxResults') ?? defaultMax), maxCap);
    const offset = Number(req.query.get('pageToken')?.replace(/^tok-/, '') ?? 0);
    const fault = faultFor(req, Math.floor(offset / max) + 1);
    if (fault) return fault;
    const slice = all.slice(offset, offset + max);
    const body: Record<string, unknown> = { kind: `admin#directory#${key}`, etag: '"e"' };
    if (slice.length) body[key] = slice;
    if (offset + max < all.length) body.nextPageToken = `tok-${offset + max}`;
    if (key === 'users' && req.query.get('showDeleted') !== 'true') state.userPagesServed++;
    return { status: 200, body };
  };
  const scoped = (req: FakeRequest): FakeResponse | null => {
    if (req.query.get('customer') !== 'my_customer' && !req.query.get('domain')) return { status: 400, body: googleError(400, 'Bad Request', 'badRequest') };
    return null;
  };

  const routes = new Routes()
    .on('POST', '/token', (req) => issueToken(req, state, tokenUrl, issued))
    .on('GET', '/admin/directory/v1/users', (req) => {
      const bad = scoped(req);
      if (bad) return bad;
      const list = req.query.get('showDeleted') === 'true' ? state.deletedUsers : state.users;
      const domain = req.query.get('domain');
      return paged(req, 'users', domain ? list.filter((u) => u.primaryEmail.endsWith(`@${domain}`)) : list, 100, cap);
    })
    .on('GET', '/admin/directory/v1/users/:key', (req) => {
      const denied = authorised(req);
      if (denied) return denied;
      const u = state.users.find((x) => x.id === req.params.key || x.primaryEmail === req.params.key);
      return u ? { status: 200, body: u } : { status: 404, body: googleError(404, 'Resource Not Found: userKey', 'notFound') };
    })
    .on('GET', '/admin/directory/v1/groups', (req) => scoped(req) ?? paged(req, 'groups', state.groups.map(({ members: _m, ...g }) => g), 200, 200))
    .on('GET', '/admin/directory/v1/groups/:key/members', (req) => {
      const g = state.groups.find((x) => x.id === req.params.key || x.email === req.params.key);
      if (!g) return authorised(req) ?? { status: 404, body: googleError(404, 'Resource Not Found: groupKey', 'notFound') };
      return paged(req, 'members', g.members.map((m) => ({ kind: 'admin#directory#member', role: 'MEMBER', status: 'ACTIVE', ...m })), 200, 200);
    });
  const server = await startFake(routes, (status, message) => googleError(status, message, 'backendError'));
  tokenUrl = `${server.url}/token`;
  // the same object the handlers read, so a test's changes show in the next answer
  return Object.assign(state, { server, url: server.url, tokenUrl, close: () => server.close() });
}

function issueToken(req: FakeRequest, state: Omit<GoogleDirectoryFake, 'server' | 'url' | 'tokenUrl' | 'close'>, tokenUrl: string, issued: Set<string>): FakeResponse {
  const refuse = (error: string, description: string, status = 400): FakeResponse => ({ status, body: { error, error_description: description } });
  if (req.body?.grant_type !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return refuse('unsupported_grant_type', 'Invalid grant_type');
  const parts = String(req.body.assertion ?? '').split('.');
  if (parts.length !== 3) return refuse('invalid_grant', 'Invalid JWT');
  const [h, c, sig] = parts;
  let header: any;
  let claims: any;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString());
    claims = JSON.parse(Buffer.from(c, 'base64url').toString());
  } catch {
    return refuse('invalid_grant', 'Invalid JWT');
  }
  const key = state.accounts.get(claims.iss);
  if (header.alg !== 'RS256' || !key) return refuse('invalid_grant', 'Invalid JWT Signature.');
  if (!createVerify('RSA-SHA256').update(`${h}.${c}`).verify(key, Buffer.from(sig, 'base64url'))) return refuse('invalid_grant', 'Invalid JWT Signature.');
  if (claims.aud !== tokenUrl) return refuse('invalid_grant', `Invalid JWT: audience ${claims.aud}`);
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp !== 'number' || claims.exp - claims.iat > 3600 || claims.exp < now - 300) return refuse('invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes)');
  const scopes = String(claims.scope ?? '').split(' ');
  if (!GOOGLE_SCOPES.every((s) => scopes.includes(s))) return refuse('unauthorized_client', 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.', 401);
  if (claims.sub !== state.subject) return refuse('unauthorized_client', 'Client is unauthorized to retrieve access tokens using this method.', 401);
  const token = `ya29.fake-${++state.tokensIssued}`;
  issued.add(token);
  return { status: 200, body: { access_token: token, expires_in: state.tokenLifetime, token_type: 'Bearer' } };
}

export function googleError(code: number, message: string, reason: string) {
  return { error: { code, message, errors: [{ message, domain: 'global', reason }] } };
}
