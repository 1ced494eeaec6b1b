// Graph change-notification subscriptions of an entra source (`/v1.0/subscriptions`): listed,
// created (Graph validates the notificationUrl before it answers) and renewed by PATCH.
import type { Clock } from '../../../ports/clock';
import { CachedToken } from '../../http/cached-token';
import { clientCredentialsRequest, GRAPH_SCOPE } from '../../http/client-credentials';
import { errorFor, sendHttp, trimSlash, type HttpRequest } from '../../http/index';
import type { EntraSourceConfig } from './config';

export interface GraphSubscription {
  id: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  clientState?: string | null;
  expirationDateTime: string;
}

export interface SubscriptionApi {
  list(): Promise<GraphSubscription[]>;
  create(s: Omit<GraphSubscription, 'id'>): Promise<GraphSubscription>;
  /** null when Graph no longer knows the subscription (expired or deleted) */
  renew(id: string, expirationDateTime: string): Promise<GraphSubscription | null>;
}

export function graphSubscriptionApi(cfg: EntraSourceConfig, clock: Clock): SubscriptionApi {
  const peer = `entra source "${cfg.name}" subscriptions`;
  const token = new CachedToken(clientCredentialsRequest({ ...cfg, clientSecret: cfg.clientSecret ?? '', scope: GRAPH_SCOPE, peer }), clock);
  const base = `${trimSlash(cfg.graphUrl)}/v1.0/subscriptions`;
  const call = async (method: string, url: string, body?: unknown, allow: number[] = []) => {
    const req: HttpRequest = { method, url, headers: { authorization: `Bearer ${await token.get()}`, 'content-type': 'application/json' }, body, timeoutMs: Math.max(cfg.timeoutMs, 15_000), peer };
    const res = await sendHttp(req);
    if (res.status === 401) token.invalidate();
    if ((res.status < 200 || res.status >= 300) && !allow.includes(res.status)) throw errorFor(req, res, res.body?.error ? `${res.body.error.code}: ${res.body.error.message}` : '');
    return res;
  };
  return {
    async list() {
      const res = await call('GET', base);
      return Array.isArray(res.body?.value) ? res.body.value : [];
    },
    async create(s) {
      return (await call('POST', base, s)).body;
    },
    async renew(id, expirationDateTime) {
      const res = await call('PATCH', `${base}/${encodeURIComponent(id)}`, { expirationDateTime }, [404]);
      return res.status === 404 ? null : res.body;
    },
  };
}
