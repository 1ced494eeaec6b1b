// Okta as a source: users through /api/v1/users following only Link rel="next"; DEPROVISIONED
// users asked for separately (a plain list omits them); groups and their members when configured;
// incremental by lastUpdated (and lastMembershipUpdated for groups), with a full read every
// `fullEvery` runs to catch what deltas miss (deleted groups among them). Any page that cannot be
// read makes the whole read incomplete.
import { nextLink, trimSlash } from '../../http';
import { JsonReader, ReadError, readerPace, type JsonPage } from '../../http/json-reader';
import { systemClock, type Clock } from '../../../ports/clock';
import type { RawRecord, SourceConnector, SourceProblem, SourceReadContext, SourceSnapshot } from '../../../ports/source-connector';
import type { Attributes } from '../../../domain/types';
import type { OktaSourceConfig } from './config';
import { readOktaGroups, type OktaPage } from './groups';
import { earliest, formatOktaWatermark, later, parseOktaWatermark } from './watermark';
import type { SourceDeps } from '../registry';

// Vendor status -> the canonical HR status (active | leave | terminated) the lifecycle reads:
// "leave" makes a person suspended. A STAGED user is created but not activated: no access in Okta
// yet, so a prehire here, whatever start date is mapped.
const STATUS: Record<string, string> = {
  DEPROVISIONED: 'terminated', SUSPENDED: 'leave', STAGED: 'prehire',
  ACTIVE: 'active', PROVISIONED: 'active', RECOVERY: 'active', LOCKED_OUT: 'active', PASSWORD_EXPIRED: 'active',
};

export const DEFAULT_OKTA_ATTRIBUTES: Record<string, string> = {
  givenName: 'profile.firstName', sn: 'profile.lastName', mail: 'profile.email', login: 'profile.login', upn: 'profile.login',
  employeeId: 'profile.employeeNumber', department: 'profile.department', title: 'profile.title', displayName: 'profile.displayName',
};

export class OktaSource implements SourceConnector {
  readonly kind = 'okta';
  readonly name: string;
  readonly authoritative: boolean;
  private readonly clock: Clock;
  private readonly reader: JsonReader;
  private readonly mapping: Record<string, string>;
  private readonly base: string;
  private runs = 0;

  constructor(private readonly cfg: OktaSourceConfig, deps: SourceDeps) {
    this.name = cfg.name;
    this.authoritative = cfg.authoritative;
    const token = cfg.token!;
    const clock = (this.clock = deps.clock ?? systemClock);
    this.reader = new JsonReader({
      ...readerPace({ timeoutMs: cfg.timeoutMs, retries: cfg.attempts - 1, clock, sleep: deps.sleep }),
      authorization: () => `SSWS ${token}`,
      errorDetail: (body) => (body?.errorCode ? `${body.errorCode}: ${body.errorSummary}` : ''),
    });
    this.mapping = { ...DEFAULT_OKTA_ATTRIBUTES, ...cfg.attributes };
    this.base = trimSlash(cfg.url);
  }

  async read(ctx: SourceReadContext): Promise<SourceSnapshot> {
    const saved = parseOktaWatermark(ctx.watermark);
    const withGroups = this.cfg.groups !== undefined;
    // groups newly configured have no watermark of their own: read everything once
    const full = !saved.users || (withGroups && !saved.groups) || this.runs % this.cfg.fullEvery === 0;
    this.runs += 1;
    const base = { mode: full ? 'full' : 'delta', watermark: ctx.watermark } as const;
    try {
      const users = await this.readUsers(full ? null : saved.users);
      const groups = withGroups ? await readOktaGroups((url, what) => this.pages(url, what), this.base, this.cfg, full ? null : saved.groups) : undefined;
      const problems = [...users.problems, ...(groups?.problems ?? [])];
      const reason = problems.length ? `${problems.length} record(s) without an id, first at ${problems[0].location}` : null;
      const now = this.clock.now().toISOString();
      const watermark = formatOktaWatermark({ users: users.latest ?? saved.users ?? now, groups: groups ? groups.latest ?? saved.groups ?? now : null }, withGroups);
      return {
        ...base,
        complete: !reason,
        records: users.records,
        ...(groups ? { groups: groups.groups, removedGroups: full ? undefined : groups.removed } : {}),
        problems,
        incompleteReason: reason,
        watermark,
      };
    } catch (err) {
      if (!(err instanceof ReadError)) throw err;
      return { ...base, records: [], problems: [{ location: 'okta', message: err.message }], complete: false, incompleteReason: err.message };
    }
  }

  /**
   * Users changed since `since` (all when null), DEPROVISIONED ones asked for apart: a plain list
   * omits them. `latest` is the earlier of the two listings' latest lastUpdated: a user changed
   * between the listings is then read again next time rather than skipped.
   */
  private async readUsers(since: string | null): Promise<{ records: RawRecord[]; problems: SourceProblem[]; latest: string | null }> {
    const out = { records: [] as RawRecord[], problems: [] as SourceProblem[], latest: null as string | null };
    const listings: Array<[string | null, string]> = [
      [since ? `lastUpdated gt "${since}"` : null, 'users'],
      [since ? `status eq "DEPROVISIONED" and lastUpdated gt "${since}"` : 'status eq "DEPROVISIONED"', 'deprovisioned users'],
    ];
    const latest: Array<string | null> = [];
    for (const [filter, what] of listings) {
      const q = new URLSearchParams({ limit: String(this.cfg.pageSize) });
      if (filter) q.set('filter', filter);
      let seen: string | null = null;
      for await (const page of this.pages(`${this.base}/api/v1/users?${q}`, what)) {
        page.items.forEach((user, i) => {
          const location = `${page.label}, item ${i + 1}`;
          if (typeof user?.id !== 'string' || !user.id) out.problems.push({ location, message: 'user without an id' });
          else out.records.push({ externalId: user.id, attributes: this.map(user), location });
          seen = later(seen, user?.lastUpdated);
        });
      }
      latest.push(seen ?? since);
    }
    out.latest = earliest(latest);
    return out;
  }

  async readOne(externalId: string): Promise<RawRecord | null> {
    const res = await this.get(`${this.base}/api/v1/users/${encodeURIComponent(externalId)}`, `user ${externalId}`, [404]);
    if (res.status === 404) return null;
    return { externalId: res.body.id, attributes: this.map(res.body), location: `user ${externalId}` };
  }

  private map(user: any): Attributes {
    const out: Attributes = {};
    for (const [canonical, path] of Object.entries(this.mapping)) {
      const value = path.split('.').reduce((v: any, k) => (v == null ? undefined : v[k]), user);
      if (value !== undefined && value !== null && value !== '') out[canonical] = String(value);
    }
    out.status = STATUS[user.status] ?? 'active';
    return out;
  }

  /** Follows Link rel="next" only (the `after` cursor is opaque); every page must be a JSON list. */
  private async *pages(first: string, what: string): AsyncIterable<OktaPage> {
    let url: string | null = first;
    for (let n = 1; url; n++) {
      const label = `${what} page ${n}`;
      const res = await this.get(url, label);
      if (!Array.isArray(res.body)) throw new ReadError(`${label}: the answer is not a list`);
      yield { items: res.body, label };
      url = nextLink(res.headers.get('link'));
    }
  }

  private get(url: string, label: string, allow: number[] = []): Promise<JsonPage> {
    return this.reader.get(url, label, allow);
  }
}
