// Small plumbing shared by the vendor API fakes (Graph, Okta): a node:http server with a route
// table, JSON bodies, a request log and injected faults (status + Retry-After, delay, raw body).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** parsed JSON, or the form fields for application/x-www-form-urlencoded */
  body: any;
  params: Record<string, string>;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export interface Fault {
  status: number;
  retryAfter?: number;
  /** raw body instead of the vendor's error shape */
  body?: string;
  delayMs?: number;
  method?: string;
  path?: RegExp;
  headers?: Record<string, string>;
  /** let this many matching requests through before the fault fires */
  skip?: number;
  /** send the start of a 200 answer, then drop the connection */
  cut?: boolean;
}

export interface FakeServer {
  url: string;
  log: { method: string; path: string; status: number }[];
  faults: Fault[];
  close(): Promise<void>;
}

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

export class Routes {
  readonly list: Route[] = [];
  on(method: string, path: string, handler: Handler): this {
    const keys: string[] = [];
    const source = path.replace(/[.$]/g, (c) => `\\${c}`).replace(/:(\w+)/g, (_m, k) => {
      keys.push(k);
      return '([^/]+)';
    });
    this.list.push({ method, pattern: new RegExp(`^${source}$`), keys, handler });
    return this;
  }
}

async function readBody(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  if (String(req.headers['content-type']).includes('x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch {
    return { __malformed: text };
  }
}

export async function startFake(
  routes: Routes,
  errorBody: (status: number, message: string) => unknown,
  decorate: (res: FakeResponse) => FakeResponse = (r) => r,
): Promise<FakeServer> {
  const log: FakeServer['log'] = [];
  const faults: Fault[] = [];
  const send = (res: ServerResponse, out: FakeResponse, path: string, method: string) => {
    const raw = typeof out.body === 'string' ? out.body : out.body === undefined ? '' : JSON.stringify(out.body);
    res.writeHead(out.status, { 'content-type': 'application/json', ...(out.headers ?? {}) });
    res.end(raw);
    log.push({ method, path, status: out.status });
  };
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const fault = faults.find((f) => (!f.method || f.method === method) && (!f.path || f.path.test(url.pathname)));
    if (fault?.skip) {
      fault.skip -= 1;
    } else if (fault?.cut) {
      faults.splice(faults.indexOf(fault), 1);
      await readBody(req);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' });
      res.write('{"value":[{"id":"');
      log.push({ method, path: url.pathname, status: 200 });
      return void setTimeout(() => res.destroy(), 20);
    } else if (fault) {
      faults.splice(faults.indexOf(fault), 1);
      await readBody(req);
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (res.destroyed) return;
      const headers: Record<string, string> = { ...(fault.headers ?? {}) };
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      return send(res, { status: fault.status, headers, body: fault.body ?? errorBody(fault.status, `injected fault ${fault.status}`) }, url.pathname, method);
    }
    const body = await readBody(req);
    for (const r of routes.list) {
      const m = r.method === method ? r.pattern.exec(url.pathname) : null;
      if (!m) continue;
      const params = Object.fromEntries(r.keys.map((k, i) => [k, decodeURIComponent(m[i + 1])]));
      try {
        const out = await r.handler({ method, path: url.pathname, query: url.searchParams, headers: req.headers, body, params });
        return send(res, decorate(out), url.pathname, method);
      } catch (err) {
        return send(res, decorate({ status: 500, body: errorBody(500, (err as Error).message) }), url.pathname, method);
      }
    }
    send(res, decorate({ status: 404, body: errorBody(404, `no route for ${method} ${url.pathname}`) }), url.pathname, method);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
