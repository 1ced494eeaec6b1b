// The OAuth 2.0 client-credentials request of the Microsoft identity platform, as the entra source
// and the entra target both make it. Plain HTTP: MSAL refuses a plain-http authority, and tests
// point at a local fake.
import { PermanentTargetError } from '../../ports/target-connector';
import type { FetchedToken } from './cached-token';
import { errorFor, sendHttp, trimSlash } from './index';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export interface ClientCredentials {
  authorityUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  timeoutMs: number;
  /** what to call the caller in messages, e.g. 'Entra target "corp"' */
  peer: string;
}

/** A fetch function for CachedToken; its errors name the token endpoint and quote Entra's reason. */
export function clientCredentialsRequest(c: ClientCredentials): () => Promise<FetchedToken> {
  return async () => {
    const req = {
      method: 'POST',
      url: `${trimSlash(c.authorityUrl)}/${encodeURIComponent(c.tenantId)}/oauth2/v2.0/token`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: c.clientId, client_secret: c.clientSecret, scope: c.scope, grant_type: 'client_credentials' }).toString(),
      timeoutMs: c.timeoutMs,
      peer: `${c.peer} token endpoint`,
    };
    const res = await sendHttp(req);
    if (res.status !== 200) throw errorFor(req, res, res.body?.error_description ?? res.body?.error ?? res.text.slice(0, 200));
    const token = res.body?.access_token;
    const expiresInSeconds = Number(res.body?.expires_in);
    if (typeof token !== 'string' || !(expiresInSeconds > 0)) {
      throw new PermanentTargetError(`${c.peer}: token endpoint answered without access_token/expires_in: ${res.text.slice(0, 120)}`);
    }
    return { token, expiresInSeconds };
  };
}
