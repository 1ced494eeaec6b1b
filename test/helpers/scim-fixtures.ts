// Requests recorded from the vendors' documentation (test/fixtures/scim), replayed over real HTTP.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RecordedRequest {
  source?: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}

export function fixture(name: string): RecordedRequest {
  return JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'scim', `${name}.json`), 'utf8')) as RecordedRequest;
}

/** `{id}`-style placeholders replaced everywhere in the request (path and body) */
export function fill(req: RecordedRequest, vars: Record<string, string>): RecordedRequest {
  const text = JSON.stringify(req).replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? vars[k] : m));
  return JSON.parse(text) as RecordedRequest;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export async function replay(base: string, req: RecordedRequest, token: string | null, extra: Record<string, string> = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...req.headers, ...extra };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${base}${req.path}`, { method: req.method, headers, body: req.body === undefined ? undefined : JSON.stringify(req.body) });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}
