// OAuth 2.0 token for a service account acting for a Workspace admin (domain-wide delegation):
// a JWT signed RS256 with the account's key, exchanged at the token URL (RFC 7523). Plain fetch
// and node:crypto, because googleapis hard-codes its token URL and tests point at a local fake.
import { createSign } from 'node:crypto';
import type { Clock } from '../../../ports/clock';
import { errorFor, sendHttp } from '../../http';
import type { FetchedToken } from '../../http/cached-token';
import type { ServiceAccountKey } from './service-account';

export const DIRECTORY_SCOPES = [
  'https://www.googleapis.com/auth/admin.directory.user.readonly',
  'https://www.googleapis.com/auth/admin.directory.group.readonly',
];

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Google accepts assertions of at most one hour. */
const ASSERTION_LIFETIME_S = 3600;

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

/**
 * A fetch function for CachedToken: signs a fresh assertion each time and exchanges it. Errors name
 * the token URL and quote Google's reason, with a hint for the usual delegation mistake.
 */
export function serviceAccountTokenRequest(s: TokenSettings, clock: Clock): () => Promise<FetchedToken> {
  return async () => {
    const req = {
      method: 'POST',
      url: s.tokenUrl,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion: signAssertion(s, clock.now().getTime()) }).toString(),
      timeoutMs: s.timeoutMs,
      peer: `token request to ${s.tokenUrl}`,
    };
    const res = await sendHttp(req);
    const json = res.body;
    if (res.status !== 200) {
      const detail = typeof json?.error === 'string' ? `${json.error}${json.error_description ? `: ${json.error_description}` : ''}` : json?.error?.message ?? res.text.slice(0, 200);
      // unauthorized_client is what Google answers when domain-wide delegation is not granted
      const hint = json?.error === 'unauthorized_client' ? ' (is domain-wide delegation granted to this client id with both directory scopes?)' : '';
      throw errorFor(req, res, `${detail || 'no detail'}${hint}`);
    }
    const token = json?.access_token;
    const expiresInSeconds = Number(json?.expires_in);
    if (typeof token !== 'string' || !(expiresInSeconds > 0)) throw new Error(`token request to ${s.tokenUrl} answered 200 without access_token/expires_in: ${res.text.slice(0, 120)}`);
    return { token, expiresInSeconds };
  };
}
