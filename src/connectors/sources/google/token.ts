// OAuth 2.0 token for a service account acting for a Workspace admin (domain-wide delegation):
// a JWT signed RS256 with the account's key, exchanged at the token URL (RFC 7523). Plain fetch
// and node:crypto, because googleapis hard-codes its token URL and tests point at a local fake.
import { createSign } from 'node:crypto';
import type { Clock } from '../../../ports/clock';
import type { ServiceAccountKey } from './service-account';

export const DIRECTORY_SCOPES = [
  'https://www.googleapis.com/auth/admin.directory.user.readonly',
  'https://www.googleapis.com/auth/admin.directory.group.readonly',
];

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Google accepts assertions of at most one hour. */
const ASSERTION_LIFETIME_S = 3600;
/** renew this long before expiry so a page request never leaves with a token about to lapse */
const EARLY_RENEWAL_MS = 60_000;

/** The token endpoint refused or could not be reached; the message names the endpoint and why. */
export class TokenError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'TokenError';
  }
}

export interface TokenSettings {
  key: ServiceAccountKey;
  /** the admin the service account acts as */
  subject: string;
  tokenUrl: string;
  timeoutMs: number;
}

export function signAssertion(s: Pick<TokenSettings, 'key' | 'subject' | 'tokenUrl'>, nowMs: number): string {
  const iat = Math.floor(nowMs / 1000);
  const header = { alg: 'RS256', typ: 'JWT', ...(s.key.privateKeyId ? { kid: s.key.privateKeyId } : {}) };
  const claims = { iss: s.key.clientEmail, sub: s.subject, scope: DIRECTORY_SCOPES.join(' '), aud: s.tokenUrl, iat, exp: iat + ASSERTION_LIFETIME_S };
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(s.key.privateKey);
  return `${unsigned}.${base64url(signature)}`;
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

export class ServiceAccountToken {
  private token: { value: string; renewAt: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(private readonly settings: TokenSettings, private readonly clock: Clock) {}

  async get(): Promise<string> {
    if (this.token && this.clock.now().getTime() < this.token.renewAt) return this.token.value;
    // one request for concurrent callers (member listings run in parallel)
    this.pending ??= this.fetchToken().finally(() => (this.pending = null));
    return this.pending;
  }

  invalidate(): void {
    this.token = null;
  }

  private async fetchToken(): Promise<string> {
    const s = this.settings;
    const now = this.clock.now().getTime();
    const body = new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion: signAssertion(s, now) }).toString();
    const where = `token request to ${s.tokenUrl}`;
    let res: Response;
    let text: string;
    try {
      res = await fetch(s.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body, signal: AbortSignal.timeout(s.timeoutMs) });
      text = await res.text();
    } catch (err) {
      throw new TokenError(`${where} failed: ${transportReason(err, s.timeoutMs)}`);
    }
    const json = parseJson(text);
    if (res.status !== 200) {
      const detail = typeof json?.error === 'string' ? `${json.error}${json.error_description ? `: ${json.error_description}` : ''}` : json?.error?.message ?? text.slice(0, 200);
      // unauthorized_client is what Google answers when domain-wide delegation is not granted
      const hint = json?.error === 'unauthorized_client' ? ' (is domain-wide delegation granted to this client id with both directory scopes?)' : '';
      throw new TokenError(`${where} answered ${res.status}: ${detail || 'no detail'}${hint}`, res.status);
    }
    const value = json?.access_token;
    const expiresIn = Number(json?.expires_in);
    if (typeof value !== 'string' || !Number.isFinite(expiresIn)) throw new TokenError(`${where} answered 200 without access_token/expires_in: ${text.slice(0, 120)}`);
    this.token = { value, renewAt: now + expiresIn * 1000 - EARLY_RENEWAL_MS };
    return value;
  }
}

function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function transportReason(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  return e.cause?.code ?? e.cause?.message ?? e.message;
}
