// Workday as a source: one GET of a Report-as-a-Service report as JSON, read whole each run (RaaS
// has no paging and no change feed; the store's diff finds what changed). Dates stay days of the
// tenant's calendar and every record carries the tenant's zone, so an end date takes access away
// when that day is over where the tenant is, not in UTC. An answer that is not a complete report
// (cut short, not JSON, no Report_Entry) makes the read incomplete, so nobody is removed.
import { basicAuthorization } from '../../http';
import { JsonReader, quoteJson, ReadError, readerPace } from '../../http/json-reader';
import { systemClock } from '../../../ports/clock';
import type { RawRecord, SourceConnector, SourceProblem, SourceReadContext, SourceSnapshot } from '../../../ports/source-connector';
import type { WorkdaySourceConfig } from './config';
import { DEFAULT_WORKDAY_COLUMNS, mapEntry } from './entries';
import type { SourceDeps } from '../registry';

interface Report { records: RawRecord[]; problems: SourceProblem[]; reason: string | null }

export class WorkdaySource implements SourceConnector {
  readonly kind = 'workday';
  readonly name: string;
  readonly authoritative: boolean;
  private readonly reader: JsonReader;
  private readonly mapping: Record<string, string | null>;
  private readonly reportUrl: string;

  constructor(private readonly cfg: WorkdaySourceConfig, deps: SourceDeps) {
    this.name = cfg.name;
    this.authoritative = cfg.authoritative;
    this.mapping = { ...DEFAULT_WORKDAY_COLUMNS, ...cfg.columns };
    // the config loader has already read tokenFile / passwordFile into token / password
    const authorization = cfg.token !== undefined ? `Bearer ${cfg.token}` : basicAuthorization(cfg.username!, cfg.password!);
    this.reader = new JsonReader({
      ...readerPace({ timeoutMs: cfg.timeoutMs, retries: cfg.attempts - 1, clock: deps.clock ?? systemClock, sleep: deps.sleep }),
      authorization: () => authorization,
      throttlesWith503: true,
    });
    const url = new URL(cfg.url);
    url.searchParams.set('format', 'json');
    this.reportUrl = url.toString();
  }

  async read(_ctx: SourceReadContext): Promise<SourceSnapshot> {
    const base = { mode: 'full', watermark: null } as const;
    let report: Report;
    try {
      report = await this.fetchReport();
    } catch (err) {
      if (!(err instanceof ReadError)) throw err;
      return { ...base, complete: false, records: [], problems: [{ location: 'report', message: err.message }], incompleteReason: err.message };
    }
    const reason = report.reason ?? (report.problems.length ? `${report.problems.length} report entr(ies) unusable, first at ${report.problems[0].location}: ${report.problems[0].message}` : null);
    return { ...base, complete: !reason, records: report.records, problems: report.problems, incompleteReason: reason };
  }

  /** RaaS cannot be asked for one worker without a prompt the report may not have: read it, pick one. */
  async readOne(externalId: string): Promise<RawRecord | null> {
    const report = await this.fetchReport();
    const found = report.records.find((r) => r.externalId === externalId);
    if (found) return found;
    if (report.reason) throw new Error(`workday source "${this.name}": cannot tell whether ${externalId} exists: ${report.reason}`);
    return null;
  }

  private async fetchReport(): Promise<Report> {
    const peer = `workday source "${this.name}"`;
    const { body } = await this.reader.get(this.reportUrl, 'the report');
    const entries = body.Report_Entry;
    if (!Array.isArray(entries)) {
      const reason = `${peer}: the answer is not a RaaS report (no Report_Entry list): ${quoteJson(body)}`;
      return { records: [], problems: [{ location: 'report', message: reason }], reason };
    }
    return this.mapReport(entries, peer);
  }

  private mapReport(entries: unknown[], peer: string): Report {
    const records: RawRecord[] = [];
    const problems: SourceProblem[] = [];
    const seenAt = new Map<string, number>();
    entries.forEach((entry, i) => {
      const location = `Report_Entry ${i + 1}`;
      const outcome = mapEntry(entry, this.mapping, this.cfg.timeZone);
      if (!outcome.ok) return void problems.push({ location, message: outcome.message });
      const first = seenAt.get(outcome.externalId);
      if (first !== undefined) return void problems.push({ location, message: `employee id ${outcome.externalId} again (first at Report_Entry ${first})` });
      seenAt.set(outcome.externalId, i + 1);
      records.push({ externalId: outcome.externalId, attributes: outcome.attributes, location });
    });
    return { records, problems, reason: this.missingStatusColumn(entries, peer) };
  }

  /**
   * Workday omits a column that is empty for a row, so a renamed status column looks like nobody
   * having a status: everyone would be active. A status column in no entry at all is a mapping error.
   */
  private missingStatusColumn(entries: unknown[], peer: string): string | null {
    const column = this.mapping.status;
    if (!column || entries.length === 0) return null;
    const present = entries.some((e) => e && typeof e === 'object' && column in (e as object));
    return present ? null : `${peer}: no entry has the status column "${column}" (columns.status): check the report's field names`;
  }
}
