// BambooHR as a source. A full read is one custom report (POST /v1/reports/custom) of every
// employee, active and inactive; an incremental read asks /v1/employees/changed?since=<watermark>
// who was Inserted, Updated or Deleted, reads the inserted and updated in one report filtered to
// their ids, and reports the deleted as removed; the answer's `latest` is the next watermark.
// BambooHR leaves out, with a 200, any field the key's user may not see: a report missing a field
// asked for is unusable (everyone's value would look cleared), so the read is incomplete.
import { basicAuthorization, trimSlash } from '../../http';
import { JsonReader, quoteJson, ReadError, readerPace, type JsonPage } from '../../http/json-reader';
import { systemClock, type Clock } from '../../../ports/clock';
import type { RawRecord, SourceConnector, SourceProblem, SourceReadContext, SourceSnapshot } from '../../../ports/source-connector';
import type { BamboohrSourceConfig } from './config';
import { DEFAULT_BAMBOOHR_FIELDS, LIFECYCLE_FIELDS, mapEmployee } from './employees';
import type { SourceDeps } from '../registry';

/** Changes stamped within this long before a full read's start are read again by the next delta. */
const WATERMARK_OVERLAP_MS = 60_000;

interface Changes { changed: string[]; deleted: string[]; latest: string | null }

export class BamboohrSource implements SourceConnector {
  readonly kind = 'bamboohr';
  readonly name: string;
  readonly authoritative: boolean;
  private readonly clock: Clock;
  private readonly reader: JsonReader;
  private readonly mapping: Record<string, string | null>;
  private readonly fields: string[];
  private readonly peer: string;
  private runs = 0;

  constructor(private readonly cfg: BamboohrSourceConfig, deps: SourceDeps) {
    this.name = cfg.name;
    this.authoritative = cfg.authoritative;
    this.peer = `bamboohr source "${cfg.name}"`;
    this.clock = deps.clock ?? systemClock;
    this.mapping = { ...DEFAULT_BAMBOOHR_FIELDS, ...cfg.fields };
    const mapped = Object.values(this.mapping).filter((f): f is string => f !== null);
    this.fields = [...new Set([...mapped, ...LIFECYCLE_FIELDS])];
    // BambooHR's basic auth: the API key (read from apiKeyFile by the config loader) is the user
    // name, the password is anything ("x")
    const authorization = basicAuthorization(cfg.apiKey!, 'x');
    this.reader = new JsonReader({
      ...readerPace({ timeoutMs: cfg.timeoutMs, retries: cfg.attempts - 1, clock: this.clock, sleep: deps.sleep }),
      authorization: () => authorization,
      // BambooHR answers errors with an empty body and the reason in this header
      errorDetail: (_body, _text, headers) => headers.get('x-bamboohr-error-message'),
      throttlesWith503: true,
    });
  }

  async read(ctx: SourceReadContext): Promise<SourceSnapshot> {
    const full = !ctx.watermark || this.runs % this.cfg.fullEvery === 0;
    this.runs += 1;
    try {
      return full ? await this.readFull() : await this.readChanges(ctx.watermark!);
    } catch (err) {
      if (!(err instanceof ReadError)) throw err;
      const mode = full ? 'full' : 'delta';
      return { mode, complete: false, records: [], problems: [{ location: 'bamboohr', message: err.message }], incompleteReason: err.message, watermark: ctx.watermark };
    }
  }

  async readOne(externalId: string): Promise<RawRecord | null> {
    const { records, problems } = await this.report([externalId]);
    if (problems.length) throw new Error(`${this.peer}: employee ${externalId}: ${problems[0].message}`);
    return records.find((r) => r.externalId === externalId) ?? null;
  }

  private async readFull(): Promise<SourceSnapshot> {
    const { records, problems, answeredAt } = await this.report(null);
    const watermark = new Date(answeredAt - WATERMARK_OVERLAP_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return { mode: 'full', records, problems, ...this.completeness(problems), watermark };
  }

  private async readChanges(since: string): Promise<SourceSnapshot> {
    const changes = await this.changesSince(since);
    const none = { records: [] as RawRecord[], problems: [] as SourceProblem[] };
    const { records, problems } = changes.changed.length ? await this.report(changes.changed) : none;
    const got = new Set(records.map((r) => r.externalId));
    for (const id of changes.changed) {
      if (!got.has(id)) problems.push({ location: `employee ${id}`, message: 'listed as changed but missing from the report asked for it' });
    }
    const verdict = this.completeness(problems);
    // an incomplete delta is read again from the same place next time
    const watermark = verdict.complete ? changes.latest ?? since : since;
    return { mode: 'delta', records, removed: changes.deleted, problems, ...verdict, watermark };
  }

  private completeness(problems: SourceProblem[]): { complete: boolean; incompleteReason: string | null } {
    if (!problems.length) return { complete: true, incompleteReason: null };
    return { complete: false, incompleteReason: `${problems.length} problem(s), first at ${problems[0].location}: ${problems[0].message}` };
  }

  private async changesSince(since: string): Promise<Changes> {
    const url = `${trimSlash(this.cfg.url)}/v1/employees/changed?${new URLSearchParams({ since })}`;
    const res = await this.reader.get(url, 'the changed-employee list');
    const employees = res.body.employees;
    if (!employees || typeof employees !== 'object' || Array.isArray(employees)) {
      throw new ReadError(`${this.peer}: the changed-employee list has no employees map: ${quoteJson(res.body)}`);
    }
    const out: Changes = { changed: [], deleted: [], latest: typeof res.body.latest === 'string' ? res.body.latest : null };
    for (const [key, entry] of Object.entries(employees as Record<string, any>)) {
      const id = String(entry?.id ?? key);
      const action = String(entry?.action ?? '').toLowerCase();
      if (action === 'deleted') out.deleted.push(id);
      else if (action === 'inserted' || action === 'updated') out.changed.push(id);
      else throw new ReadError(`${this.peer}: the changed-employee list gives employee ${id} the unknown action "${entry?.action}"`);
    }
    return out;
  }

  /** One custom report of every employee (ids null) or of these ids. */
  private async report(ids: string[] | null): Promise<{ records: RawRecord[]; problems: SourceProblem[]; answeredAt: number }> {
    const url = `${trimSlash(this.cfg.url)}/v1/reports/custom?format=JSON&onlyCurrent=true`;
    const body: Record<string, unknown> = { title: 'idsync', fields: this.fields };
    if (ids) body.filters = { employeeIds: ids.map(Number).every(Number.isInteger) ? ids.map(Number) : ids };
    const res = await this.reader.post(url, body, ids ? `the report of ${ids.length} changed employee(s)` : 'the employee report');
    const answeredAt = dateOf(res) ?? this.clock.now().getTime();
    const employees = res.body.employees;
    if (!Array.isArray(employees)) throw new ReadError(`${this.peer}: the report answer has no employees list: ${quoteJson(res.body)}`);
    this.checkFields(res.body.fields);
    const records: RawRecord[] = [];
    const problems: SourceProblem[] = [];
    employees.forEach((e: any, i: number) => {
      const id = e && typeof e === 'object' ? String(e.id ?? '').trim() : '';
      const location = id ? `employee ${id}` : `report row ${i + 1}`;
      if (!id) return void problems.push({ location, message: 'employee without an id' });
      records.push({ externalId: id, attributes: mapEmployee(e, this.mapping, this.cfg.timeZone), location });
    });
    return { records, problems, answeredAt };
  }

  /** Every field asked for must come back; BambooHR drops unknown and forbidden ones without an error. */
  private checkFields(listed: unknown): void {
    if (!Array.isArray(listed)) throw new ReadError(`${this.peer}: the report answer has no fields list`);
    const got = new Set(listed.map((f: any) => String(f?.id ?? f?.alias ?? '')));
    const missing = this.fields.filter((f) => !got.has(f));
    if (missing.length) {
      throw new ReadError(`${this.peer}: the report left out field(s) ${missing.join(', ')}: unknown, or not visible to the API key's user`);
    }
  }
}

function dateOf(res: JsonPage): number | undefined {
  const at = Date.parse(res.headers.get('date') ?? '');
  return Number.isNaN(at) ? undefined : at;
}
