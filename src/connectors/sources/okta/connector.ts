// Okta as a source: users through /api/v1/users following only Link rel="next"; DEPROVISIONED
// users asked for separately (a plain list omits them); incremental by lastUpdated, with a full read
// every `fullEvery` runs. Any page that cannot be read makes the whole read incomplete.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { nextLink, trimSlash } from '../../http';
import { JsonReader, ReadError, type JsonPage } from '../../http/json-reader';
import { systemClock, type Clock } from '../../../ports/clock';
import type { RawRecord, SourceConnector, SourceProblem, SourceReadContext, SourceSnapshot } from '../../../ports/source-connector';
import type { Attributes } from '../../../domain/types';
import type { OktaSourceConfig } from './config';

const STATUS: Record<string, string> = {
  DEPROVISIONED: 'terminated', SUSPENDED: 'suspended', STAGED: 'prehire',
  ACTIVE: 'active', PROVISIONED: 'active', RECOVERY: 'active', LOCKED_OUT: 'active', PASSWORD_EXPIRED: 'active',
};

export const DEFAULT_OKTA_ATTRIBUTES: Record<string, string> = {
  givenName: 'profile.firstName', sn: 'profile.lastName', mail: 'profile.email', login: 'profile.login', upn: 'profile.login',
  employeeId: 'profile.employeeNumber', department: 'profile.department', title: 'profile.title', displayName: 'profile.displayName',
};

export interface OktaSourceDeps { baseDir: string; clock?: Clock; sleep?: (ms: number) => Promise<void> }

export class OktaSource implements SourceConnector {
  readonly kind = 'okta';
  readonly name: string;
  readonly authoritative: boolean;
  private readonly clock: Clock;
  private readonly reader: JsonReader;
  private readonly mapping: Record<string, string>;
  private runs = 0;

  constructor(private readonly cfg: OktaSourceConfig, deps: OktaSourceDeps) {
    this.name = cfg.name;
    this.authoritative = cfg.authoritative;
    const token = cfg.token ?? readFileSync(isAbsolute(cfg.tokenFile!) ? cfg.tokenFile! : resolve(deps.baseDir, cfg.tokenFile!), 'utf8').trim();
    const clock = (this.clock = deps.clock ?? systemClock);
    this.reader = new JsonReader({
      timeoutMs: cfg.timeoutMs,
      retries: cfg.attempts - 1,
      sleep: deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      now: () => clock.now().getTime(),
      authorization: () => `SSWS ${token}`,
      errorDetail: (body) => (body?.errorCode ? `${body.errorCode}: ${body.errorSummary}` : ''),
    });
    this.mapping = { ...DEFAULT_OKTA_ATTRIBUTES, ...cfg.attributes };
  }

  async read(ctx: SourceReadContext): Promise<SourceSnapshot> {
    const full = !ctx.watermark || this.runs % this.cfg.fullEvery === 0;
    this.runs += 1;
    const since = full ? null : ctx.watermark;
    const base = { mode: full ? 'full' : 'delta', records: [], problems: [], watermark: ctx.watermark } as const;
    try {
      const users = [
        ...(await this.list(since ? `lastUpdated gt "${since}"` : null, 'users')),
        ...(await this.list(since ? `status eq "DEPROVISIONED" and lastUpdated gt "${since}"` : 'status eq "DEPROVISIONED"', 'deprovisioned users')),
      ];
      const records: RawRecord[] = [];
      const problems: SourceProblem[] = [];
      let watermark = ctx.watermark;
      users.forEach(({ user, location }) => {
        if (typeof user?.id !== 'string' || !user.id) problems.push({ location, message: 'user without an id' });
        else records.push({ externalId: user.id, attributes: this.map(user), location });
        if (typeof user?.lastUpdated === 'string' && (!watermark || user.lastUpdated > watermark)) watermark = user.lastUpdated;
      });
      const reason = problems.length ? `${problems.length} user(s) without an id, first at ${problems[0].location}` : null;
      return { ...base, complete: !reason, records, problems, incompleteReason: reason, watermark: watermark ?? this.clock.now().toISOString() };
    } catch (err) {
      if (!(err instanceof ReadError)) throw err;
      return { ...base, records: [], problems: [{ location: 'okta', message: err.message }], complete: false, incompleteReason: err.message };
    }
  }

  async readOne(externalId: string): Promise<RawRecord | null> {
    const res = await this.get(`${trimSlash(this.cfg.url)}/api/v1/users/${encodeURIComponent(externalId)}`, `user ${externalId}`, [404]);
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

  private async list(filter: string | null, what: string): Promise<{ user: any; location: string }[]> {
    const q = new URLSearchParams({ limit: String(this.cfg.pageSize) });
    if (filter) q.set('filter', filter);
    let url: string | null = `${trimSlash(this.cfg.url)}/api/v1/users?${q}`;
    const out: { user: any; location: string }[] = [];
    for (let page = 1; url; page++) {
      const label = `${what} page ${page}`;
      const res = await this.get(url, label);
      if (!Array.isArray(res.body)) throw new ReadError(`${label}: the answer is not a list of users`);
      res.body.forEach((user: any, i: number) => out.push({ user, location: `${label}, item ${i + 1}` }));
      url = nextLink(res.headers.get('link'));
    }
    return out;
  }

  private get(url: string, label: string, allow: number[] = []): Promise<JsonPage> {
    return this.reader.get(url, label, allow);
  }
}
