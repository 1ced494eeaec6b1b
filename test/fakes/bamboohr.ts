// Local BambooHR API fake, under /api/gateway.php/<company>/v1:
// - basic auth with the API key as the user name and anything as the password; 401 otherwise,
//   with the reason in X-BambooHR-Error-Message (BambooHR's error channel) and an empty body;
// - POST /reports/custom?format=JSON&onlyCurrent=: the body is read as JSON only when
//   Content-Type is exactly application/json (anything else is parsed as XML: 400 Malformed XML);
//   without ?format the Accept header decides and anything but the listed types is a 404; more
//   than 400 fields is a 400; unknown fields and fields the key's user may not see are left out
//   of `fields` and of every employee with a 200; every employee, Active and Inactive, is listed;
//   `filters.employeeIds` narrows to those ids; values are strings, empty dates "0000-00-00";
// - GET /employees/changed?since=<ISO 8601 with offset>: `{ latest, employees: { id: { id,
//   action: Inserted|Updated|Deleted, lastChanged } } }` for changes at or after `since`; JSON
//   only when asked for with Accept: application/json, XML otherwise;
// - its own clock (tick() moves it), stamped on changes and sent as the Date header;
// - injected 429/503 with Retry-After (BambooHR throttles with 503).
import { Routes, startFake, type FakeRequest, type FakeResponse, type FakeServer } from './http-fake';

export type BambooEmployee = Record<string, string | null>;

interface Change { action: 'Inserted' | 'Updated' | 'Deleted'; at: number }

export interface BambooFake {
  url: string;
  company: string;
  apiKey: string;
  server: FakeServer;
  /** fields the key's user may not see */
  hidden: Set<string>;
  /** stores (inserting or updating) an employee; `id` is required */
  put(employee: BambooEmployee): void;
  /** deletes an employee (a Deleted change) */
  remove(id: string): void;
  get(id: string): BambooEmployee | undefined;
  clear(): void;
  /** moves the fake's clock on */
  tick(ms: number): void;
  /** report requests answered 200, with the employeeIds filter each had (null: none) */
  reports: (string[] | null)[];
  inject(status: number, retryAfterSeconds?: number, path?: RegExp): void;
  close(): Promise<void>;
}

const KNOWN_FIELDS = new Set([
  'employeeNumber', 'firstName', 'lastName', 'preferredName', 'workEmail', 'homeEmail', 'jobTitle', 'department', 'division',
  'location', 'supervisorEId', 'supervisor', 'hireDate', 'terminationDate', 'status', 'employmentHistoryStatus', 'displayName',
]);
const DATE_FIELDS = new Set(['hireDate', 'terminationDate']);
const FORMATS_BY_ACCEPT: Record<string, string> = { 'application/json': 'json', 'text/xml': 'xml', 'text/csv': 'csv', 'application/pdf': 'pdf', 'application/vnd.ms-excel': 'xls' };

const ISO_SINCE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:?\d{2})$/;

function bambooError(status: number, message: string): FakeResponse {
  return { status, headers: { 'x-bamboohr-error-message': message, 'content-type': 'text/html' }, body: '' };
}

export async function startBambooFake(company = 'acme'): Promise<BambooFake> {
  const apiKey = 'b4mb00-0123456789abcdef0123456789abcdef';
  const employees = new Map<string, BambooEmployee>();
  const changes = new Map<string, Change>();
  const hidden = new Set<string>();
  const reports: (string[] | null)[] = [];
  let offset = 0;
  const now = () => Date.now() + offset;
  const stamp = (at: number) => new Date(at).toISOString().replace(/\.\d{3}Z$/, '+00:00');

  const authed = (handler: (req: FakeRequest) => FakeResponse) => (req: FakeRequest): FakeResponse => {
    const m = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ''));
    const user = m ? Buffer.from(m[1], 'base64').toString('utf8').split(':')[0] : '';
    if (user !== apiKey) return bambooError(401, 'Invalid API key');
    return handler(req);
  };

  const report = (req: FakeRequest): FakeResponse => {
    const formatParam = req.query.get('format');
    const format = formatParam ? formatParam.toLowerCase() : FORMATS_BY_ACCEPT[String(req.headers.accept ?? '')];
    if (!format) return bambooError(404, 'Unsupported Accept header');
    if (req.headers['content-type'] !== 'application/json') return bambooError(400, 'Malformed XML');
    if (format !== 'json') return bambooError(400, 'the fake answers JSON only');
    const body = req.body ?? {};
    if (body.__malformed || !Array.isArray(body.fields)) return bambooError(400, 'Malformed JSON or no fields');
    if (body.fields.length > 400) return bambooError(400, 'A maximum of 400 fields may be requested');
    const visible = (body.fields as string[]).filter((f) => KNOWN_FIELDS.has(f) && !hidden.has(f));
    const filter: string[] | null = Array.isArray(body.filters?.employeeIds) ? body.filters.employeeIds.map(String) : null;
    const rows = [...employees.values()].filter((e) => !filter || filter.includes(String(e.id)));
    reports.push(filter);
    return {
      status: 200,
      body: {
        title: String(body.title ?? 'Report'),
        fields: visible.map((id) => ({ id, type: DATE_FIELDS.has(id) ? 'date' : 'text', name: id })),
        employees: rows.map((e) => {
          const out: Record<string, string | null> = { id: e.id };
          for (const f of visible) out[f] = DATE_FIELDS.has(f) ? (e[f] || '0000-00-00') : (e[f] ?? null);
          return out;
        }),
      },
    };
  };

  const changed = (req: FakeRequest): FakeResponse => {
    const since = req.query.get('since') ?? '';
    if (!ISO_SINCE.test(since)) return bambooError(400, 'Invalid since parameter');
    const from = Date.parse(since);
    const listed = [...changes.entries()].filter(([, c]) => c.at >= from);
    const latest = listed.reduce((max, [, c]) => Math.max(max, c.at), 0);
    if (req.headers.accept !== 'application/json') {
      const rows = listed.map(([id, c]) => `<employee id="${id}" action="${c.action}" lastChanged="${stamp(c.at)}"/>`).join('');
      return { status: 200, headers: { 'content-type': 'text/xml' }, body: `<?xml version="1.0"?><employees latest="${latest ? stamp(latest) : ''}">${rows}</employees>` };
    }
    return {
      status: 200,
      body: {
        latest: latest ? stamp(latest) : null,
        employees: Object.fromEntries(listed.map(([id, c]) => [id, { id, action: c.action, lastChanged: stamp(c.at) }])),
      },
    };
  };

  const base = '/api/gateway.php/:company/v1';
  const routes = new Routes()
    .on('POST', `${base}/reports/custom`, authed(report))
    .on('GET', `${base}/employees/changed`, authed(changed))
    .on('GET', `${base}/employees/changed/`, authed(changed));
  const server = await startFake(routes, (status, message) => ({ message: `${status} ${message}` }), (res) => ({
    ...res,
    headers: { date: new Date(now()).toUTCString(), ...(res.headers ?? {}) },
  }));

  return {
    url: `${server.url}/api/gateway.php/${company}`,
    company,
    apiKey,
    server,
    hidden,
    reports,
    put: (employee) => {
      const id = String(employee.id);
      changes.set(id, { action: employees.has(id) ? 'Updated' : 'Inserted', at: now() });
      employees.set(id, { ...employee, id });
    },
    remove: (id) => {
      employees.delete(id);
      changes.set(id, { action: 'Deleted', at: now() });
    },
    get: (id) => employees.get(id),
    clear: () => {
      employees.clear();
      changes.clear();
      reports.length = 0;
      hidden.clear();
    },
    tick: (ms) => {
      offset += ms;
    },
    inject: (status, retryAfter, path) => {
      server.faults.push({ status, retryAfter, path: path ?? /\/v1\//, headers: { 'x-bamboohr-error-message': 'Rate limit exceeded' }, body: '' });
    },
    close: () => server.close(),
  };
}
