// Reads Graph pages through the shared JSON reader: bearer token from the cache (renewed once after
// a 401), Graph's error bodies in messages, and an expired delta token told apart from a failure.
import type { Clock } from '../../../ports/clock';
import { CachedToken } from '../../http/cached-token';
import { clientCredentialsRequest, GRAPH_SCOPE } from '../../http/client-credentials';
import { JsonReader, readerPace } from '../../http/json-reader';

/** The delta token is no longer known to Graph: the caller must start a full round again. */
export class DeltaExpiredError extends Error {}

const EXPIRED_CODES = new Set(['syncStateNotFound', 'resyncRequired', 'syncStateInvalid']);

export interface GraphPagesOptions {
  source: string;
  authorityUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  retries: number;
  clock: Clock;
  sleep?: (ms: number) => Promise<void>;
}

export class GraphPages {
  private readonly reader: JsonReader;

  constructor(o: GraphPagesOptions) {
    const peer = `entra source "${o.source}"`;
    const token = new CachedToken(clientCredentialsRequest({ ...o, scope: GRAPH_SCOPE, peer }), o.clock);
    this.reader = new JsonReader({
      ...readerPace(o),
      authorization: async () => `Bearer ${await token.get()}`,
      renewAuthorization: () => token.invalidate(),
      errorDetail: (body) => (body?.error ? `${body.error.code}: ${body.error.message}` : ''),
      special: (status, body, label) => {
        const code = body?.error?.code;
        if (status === 410 || EXPIRED_CODES.has(code)) return new DeltaExpiredError(`${label}: the delta token has expired (${status} ${code ?? ''})`.trim());
        return undefined;
      },
    });
  }

  /** requests sent, for logs and benchmarks */
  get requests(): number {
    return this.reader.requests;
  }

  /** GET one URL and return its JSON body; `label` names the page in errors ("users page 3"). */
  async get(url: string, label: string, allow404 = false): Promise<any> {
    const page = await this.reader.get(url, label, allow404 ? [404] : []);
    return page.status === 404 ? null : page.body;
  }
}
