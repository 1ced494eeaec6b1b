// OAuth 2.0 client-credentials token for Graph, cached until shortly before it expires. Plain fetch:
// MSAL refuses a plain-http authority, and tests point at a local fake.
import type { Clock } from '../../../ports/clock';

/** renew this long before expiry so a request never leaves with a token about to lapse */
const EARLY_RENEWAL_MS = 60_000;
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export interface TokenSettings {
  authorityUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
}

export class GraphTokenError extends Error {}

export class GraphToken {
  private token: { value: string; renewAt: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(private readonly settings: TokenSettings, private readonly clock: Clock) {}

  async get(): Promise<string> {
    if (this.token && this.clock.now().getTime() < this.token.renewAt) return this.token.value;
    this.pending ??= this.fetchToken().finally(() => (this.pending = null));
    return this.pending;
  }

  invalidate(): void {
    this.token = null;
  }

  private async fetchToken(): Promise<string> {
    const s = this.settings;
    const url = `${s.authorityUrl.replace(/\/+$/, '')}/${encodeURIComponent(s.tenantId)}/oauth2/v2.0/token`;
    const body = new URLSearchParams({ client_id: s.clientId, client_secret: s.clientSecret, scope: GRAPH_SCOPE, grant_type: 'client_credentials' });
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body, signal: AbortSignal.timeout(s.timeoutMs) });
      text = await res.text();
    } catch (err) {
      throw new GraphTokenError(`token endpoint ${url} failed: ${(err as Error).message}`);
    }
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      // reported below with the start of the body
    }
    if (res.status !== 200 || typeof json?.access_token !== 'string' || !Number.isFinite(Number(json?.expires_in))) {
      throw new GraphTokenError(`token endpoint answered ${res.status}: ${json?.error_description ?? json?.error ?? text.slice(0, 200)}`);
    }
    this.token = { value: json.access_token, renewAt: this.clock.now().getTime() + Number(json.expires_in) * 1000 - EARLY_RENEWAL_MS };
    return json.access_token;
  }
}
