// Directory API reads through the shared JSON reader: bearer token from the cache (renewed once
// after a 401), nextPageToken paging, and Google's error bodies in messages. Every failure is a
// ReadError naming the call and the page, because an incomplete read must say what is missing.
import { trimSlash } from '../../http';
import type { CachedToken } from '../../http/cached-token';
import { JsonReader, ReadError } from '../../http/json-reader';

export interface DirectoryClientSettings {
  apiUrl: string;
  timeoutMs: number;
  /** attempts after a 5xx or a cut answer before the page is given up */
  retries: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

export interface Page<T> {
  items: T[];
  /** e.g. "users page 3", for messages */
  label: string;
}

export class DirectoryClient {
  private readonly base: string;
  private readonly reader: JsonReader;

  constructor(settings: DirectoryClientSettings, token: CachedToken) {
    this.base = trimSlash(settings.apiUrl);
    this.reader = new JsonReader({
      ...settings,
      authorization: async () => `Bearer ${await token.get()}`,
      renewAuthorization: () => token.invalidate(),
      errorDetail: googleError,
    });
  }

  /** requests sent, for logs and benchmarks */
  get requests(): number {
    return this.reader.requests;
  }

  /** Follows nextPageToken to the last page; `itemsKey` is where the page lists its items. */
  async *pages<T>(path: string, query: Record<string, string>, itemsKey: string, what: string): AsyncIterable<Page<T>> {
    let pageToken: string | undefined;
    for (let n = 1; ; n++) {
      const label = `${what} page ${n}`;
      const { body } = await this.reader.get(this.url(path, pageToken ? { ...query, pageToken } : query), label);
      const items = body[itemsKey];
      if (Array.isArray(body) || (items !== undefined && !Array.isArray(items))) throw new ReadError(`${label} (GET ${path}): "${itemsKey}" is not a list`);
      yield { items: (items ?? []) as T[], label };
      if (typeof body.nextPageToken !== 'string' || body.nextPageToken === '') return;
      pageToken = body.nextPageToken;
    }
  }

  /** One GET; null when the resource does not exist (404). */
  async getOne(path: string, query: Record<string, string>, label: string): Promise<any | null> {
    const page = await this.reader.get(this.url(path, query), label, [404]);
    return page.status === 404 ? null : page.body;
  }

  private url(path: string, query: Record<string, string>): string {
    return `${this.base}${path}?${new URLSearchParams(query).toString()}`;
  }
}

/** Google's error body is {error: {code, message, errors: [{reason}]}}. */
function googleError(body: any): string {
  const e = body?.error;
  if (!e?.message) return '';
  return e.errors?.[0]?.reason ? `${e.message} (${e.errors[0].reason})` : String(e.message);
}
