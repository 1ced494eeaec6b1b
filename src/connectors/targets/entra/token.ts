// OAuth 2.0 client-credentials token for Graph, cached until shortly before it expires. Plain
// fetch, because MSAL refuses a plain-http authority and tests point at a local fake.
import type { Clock } from '../../../ports/clock';
import { PermanentTargetError } from '../../../ports/target-connector';
import { errorFor, sendHttp, trimSlash } from '../../http';

/** renew this long before expiry so a request never leaves with a token about to lapse */
const EARLY_RENEWAL_MS = 60_000;

export interface ClientCredentials {
  authorityUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  timeoutMs: number;
  peer: string;
}

export class ClientCredentialsToken {
  private token: { value: string; renewAt: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(private readonly creds: ClientCredentials, private readonly clock: Clock) {}

  async get(): Promise<string> {
    if (this.token && this.clock.now().getTime() < this.token.renewAt) return this.token.value;
    // one request for concurrent callers
    this.pending ??= this.fetchToken().finally(() => (this.pending = null));
    return this.pending;
  }

  invalidate(): void {
    this.token = null;
  }

  private async fetchToken(): Promise<string> {
    const c = this.creds;
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
    const value = res.body?.access_token;
    const expiresIn = Number(res.body?.expires_in);
    if (typeof value !== 'string' || !Number.isFinite(expiresIn)) {
      throw new PermanentTargetError(`${c.peer}: token endpoint answered without access_token/expires_in`);
    }
    this.token = { value, renewAt: this.clock.now().getTime() + expiresIn * 1000 - EARLY_RENEWAL_MS };
    return value;
  }
}
