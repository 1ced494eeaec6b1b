// Okta as a source: users through /api/v1/users following only Link rel="next"; DEPROVISIONED
// users asked for separately (a plain list omits them); incremental by lastUpdated, with a full read
// every `fullEvery` runs. Any page that cannot be read makes the whole read incomplete.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { nextLink, parseRetryAfter, sendHttp, trimSlash, untilRateLimitReset, type HttpResult } from '../../http';
import { systemClock, type Clock } from '../../../ports/clock';
import type { RawRecord, SourceConnector, SourceProblem, SourceReadContext, SourceSnapshot } from '../../../ports/source-connector';
import type { Attributes } from '../../../domain/types';
import type { OktaSourceConfig } from './config';

// Vendor status -> the canonical HR status (active | leave | terminated) the lifecycle reads:
// "leave" makes a person suspended. A STAGED user has no access in Okta yet, so none here either;
// the lifecycle calls someone prehire only from a future start date, which Okta does not carry.
const STATUS: Record<string, string> = {
  DEPROVISIONED: 'terminated', SUSPENDED: 'leave', STAGED: 'leave',
  ACTIVE: 'active', PROVISIONED: 'active', RECOVERY: 'active', LOCKED_OUT: 'active', PASSWORD_EXPIRED: 'active',
};

export const DEFAULT_OKTA_ATTRIBUTES: Record<string, string> = {
  givenName: 'profile.firstName', sn: 'profile.lastName', mail: 'profile.email', login: 'profile.login', upn: 'profile.login',
  employeeId: 'profile.employeeNumber', department: 'profile.department', title: 'profile.title', displayName: 'profile.displayName',
};

/** A page that could not be read: the read stops and says which. */
class PageError extends Error {}

export interface OktaSourceDeps { baseDir: string; clock?: Clock; sleep?: (ms: number) => Promise<void> }

export class OktaSource implements SourceConnector {
  readonly kind = 'okta';
  readonly name: string;
  readonly authoritative: boolean;
  private readonly token: string;
  private readonly clock: Clock;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly mapping: Record<string, string>;
  private runs = 0;

  constructor(private readonly cfg: OktaSourceConfig, deps: OktaSourceDeps) {
    this.name = cfg.name;
    this.authoritative = cfg.authoritative;
    this.token = cfg.token ?? readFileSync(isAbsolute(cfg.tokenFile!) ? cfg.tokenFile! : resolve(deps.baseDir, cfg.tokenFile!), 'utf8').trim();
    this.clock = deps.clock ?? systemClock;
    this.sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
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
      if (!(err instanceof PageError)) throw err;
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
      if (!Array.isArray(res.body)) throw new PageError(`okta source "${this.name}": ${label} is not a user list: ${res.text.slice(0, 120)}`);
      res.body.forEach((user: any, i: number) => out.push({ user, location: `${label}, item ${i + 1}` }));
      url = nextLink(res.headers.get('link'));
    }
    return out;
  }

  /** One GET with retries: 429 waits as X-Rate-Limit-Reset (or Retry-After) says, 5xx and garbled bodies back off. */
  private async get(url: string, label: string, accept: number[] = []): Promise<HttpResult> {
    let last = '';
    for (let attempt = 1; attempt <= this.cfg.attempts; attempt++) {
      let res: HttpResult;
      try {
        res = await sendHttp({ method: 'GET', url, headers: { authorization: `SSWS ${this.token}` }, timeoutMs: this.cfg.timeoutMs, peer: `okta source "${this.name}"` });
      } catch (err) {
        last = (err as Error).message;
        await this.sleep(500 * 2 ** (attempt - 1));
        continue;
      }
      if ((res.status >= 200 && res.status < 300) || accept.includes(res.status)) return res;
      last = `answered ${res.status}: ${res.body?.errorSummary ?? res.text.slice(0, 120)}`;
      if (res.status === 429) {
        await this.sleep(untilRateLimitReset(res.headers, this.clock.now().getTime()) ?? parseRetryAfter(res.headers.get('retry-after')) ?? 1000);
        attempt -= 1; // a rate limit is obeyed, not counted as a failure
        continue;
      }
      if (res.status < 500) break;
      await this.sleep(500 * 2 ** (attempt - 1));
    }
    throw new PageError(`okta source "${this.name}": ${label} could not be read (${last})`);
  }
}
