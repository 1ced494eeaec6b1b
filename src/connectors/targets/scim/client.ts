// Thin SCIM HTTP client: bearer auth, SCIM media type, SCIM error bodies turned into clear messages.
import { errorFor, isOk, sendHttp, trimSlash, type HttpResult } from '../../http';

export interface ScimClientOptions {
  name: string;
  url: string;
  token: string;
  timeoutMs: number;
}

export class ScimClient {
  private readonly base: string;
  constructor(private readonly opts: ScimClientOptions) {
    this.base = trimSlash(opts.url);
  }

  /** Returns the answer for statuses in `accept` (besides 2xx); throws the mapped error otherwise. */
  async call(method: string, path: string, body?: unknown, extra: { ifMatch?: string; accept?: number[] } = {}): Promise<HttpResult> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.opts.token}`,
      accept: 'application/scim+json, application/json',
    };
    if (body !== undefined) headers['content-type'] = 'application/scim+json';
    if (extra.ifMatch) headers['if-match'] = extra.ifMatch;
    const req = { method, url: this.base + path, headers, body, timeoutMs: this.opts.timeoutMs, peer: `SCIM target "${this.opts.name}"` };
    const res = await sendHttp(req);
    if (isOk(res) || extra.accept?.includes(res.status)) return res;
    throw errorFor(req, res, scimDetail(res));
  }
}

/** RFC 7644 3.12 error body: detail and scimType; fall back to the raw text. */
function scimDetail(res: HttpResult): string {
  const b = res.body;
  if (b && typeof b === 'object') {
    const detail = b.detail ?? b.message ?? b.Errors?.[0]?.description;
    if (detail) return b.scimType ? `${detail} (scimType ${b.scimType})` : String(detail);
  }
  return res.text.slice(0, 200);
}
