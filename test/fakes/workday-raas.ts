// Local Workday Report-as-a-Service fake: GET /ccx/service/customreport2/<tenant>/<owner>/<report>
// answering `{"Report_Entry": [...]}` for ?format=json (Workday's default without it is XML, so
// that is what the fake sends then), basic auth as the Integration System User or a bearer token,
// no paging. Entries are stored as the report would print them: a column empty for a worker is
// absent from their entry, multi-instance fields as arrays or "; "-joined strings, references as
// descriptors, dates as yyyy-mm-dd or with the tenant's offset (2026-01-15-08:00). Faults: an
// injected status (with Retry-After), or a broken answer (cut short, HTML, no Report_Entry) that
// lasts until cleared.
import { Routes, startFake, type FakeResponse, type FakeServer } from './http-fake';

export type WorkdayEntry = Record<string, unknown>;

export interface WorkdayFake {
  url: string;
  /** the report's full URL without ?format */
  reportUrl: string;
  username: string;
  password: string;
  token: string;
  entries: WorkdayEntry[];
  server: FakeServer;
  /** report answers given (200s) */
  served(): number;
  /** every answer is this until cleared (null): a body cut short, an HTML page, an object without Report_Entry */
  breakAnswer(answer: FakeResponse | null): void;
  /** the next request is answered with this status (and Retry-After seconds) */
  inject(status: number, retryAfterSeconds?: number): void;
  close(): Promise<void>;
}

const unauthorized: FakeResponse = {
  status: 401,
  headers: { 'content-type': 'text/html', 'www-authenticate': 'Basic realm="Workday"' },
  body: '<html><body><h1>Unauthorized</h1><p>Invalid user name or password</p></body></html>',
};

function toXml(entries: WorkdayEntry[]): string {
  const cell = (k: string, v: unknown) => `<wd:${k}>${String(v).replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'))}</wd:${k}>`;
  const rows = entries.map((e) => `<wd:Report_Entry>${Object.entries(e).map(([k, v]) => cell(k, Array.isArray(v) ? v.join('; ') : v)).join('')}</wd:Report_Entry>`);
  return `<?xml version='1.0' encoding='UTF-8'?><wd:Report_Data xmlns:wd="urn:com.workday.report/idsync">${rows.join('')}</wd:Report_Data>`;
}

export async function startWorkdayFake(tenant = 'acme', owner = 'ISU_idsync', report = 'Workers_for_idsync'): Promise<WorkdayFake> {
  const username = `ISU_idsync@${tenant}`;
  const password = 'Wd-s3cret!';
  const token = 'wd-bearer-token-0123456789';
  const entries: WorkdayEntry[] = [];
  let served = 0;
  let broken: FakeResponse | null = null;
  const path = `/ccx/service/customreport2/${tenant}/${owner}/${report}`;
  const basic = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

  const routes = new Routes().on('GET', path, (req) => {
    const auth = req.headers.authorization;
    if (auth !== basic && auth !== `Bearer ${token}`) return unauthorized;
    if (broken) return broken;
    const format = (req.query.get('format') ?? 'simplexml').toLowerCase();
    served += 1;
    if (format !== 'json') return { status: 200, headers: { 'content-type': 'application/xml' }, body: toXml(entries) };
    return { status: 200, body: { Report_Entry: entries } };
  });
  const server = await startFake(routes, (status, message) => `<html><body>${status} ${message}</body></html>`);
  return {
    url: server.url,
    reportUrl: `${server.url}${path}`,
    username,
    password,
    token,
    entries,
    server,
    served: () => served,
    breakAnswer: (answer) => {
      broken = answer;
    },
    inject: (status, retryAfter) => {
      server.faults.push({ status, retryAfter, path: /customreport2/, body: `<html><body>${status}</body></html>` });
    },
    close: () => server.close(),
  };
}
