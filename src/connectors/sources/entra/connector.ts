// The entra source: users and groups through Graph delta queries. The watermark holds both delta
// links; a run with one reads only changes, a run without one (or whose link expired) reads all.
import type { Clock } from '../../../ports/clock';
import type { RawGroup, RawRecord, SourceConnector, SourceProblem, SourceReadContext, SourceSnapshot } from '../../../ports/source-connector';
import type { SourceLogger } from '../registry';
import type { EntraSourceConfig } from './config';
import { ReadError } from '../../http/json-reader';
import { GraphPages, DeltaExpiredError } from './graph-pages';
import { GroupSlices } from './groups';
import { attributeMapping, managerDelta, userAttributes, userSelect } from './users';

export interface EntraDeps {
  log?: SourceLogger;
  clock: Clock;
  sleep?: (ms: number) => Promise<void>;
}

interface Watermark {
  users: string;
  groups: string | null;
}

interface RoundResult {
  records: RawRecord[];
  removed: string[];
  groups?: RawGroup[];
  removedGroups?: string[];
  problems: SourceProblem[];
  watermark: Watermark;
}

export class EntraSource implements SourceConnector {
  readonly kind = 'entra';
  readonly name: string;
  readonly authoritative: boolean;
  private readonly pages: GraphPages;
  private readonly base: string;
  private readonly mapping: Record<string, string>;
  private readonly include: RegExp[];

  constructor(private readonly cfg: EntraSourceConfig, private readonly deps: EntraDeps) {
    this.name = cfg.name;
    this.authoritative = cfg.authoritative;
    if (!cfg.clientSecret) throw new Error(`source "${cfg.name}": clientSecret (or clientSecretFile) is required`);
    const { authorityUrl, tenantId, clientId, clientSecret, timeoutMs, retries } = cfg;
    this.pages = new GraphPages({ source: cfg.name, authorityUrl, tenantId, clientId, clientSecret, timeoutMs, retries, clock: deps.clock, sleep: deps.sleep });
    this.base = `${cfg.graphUrl.replace(/\/+$/, '')}/v1.0`;
    this.mapping = attributeMapping(cfg.attributes);
    this.include = (cfg.groups?.include ?? []).map((p) => new RegExp(p));
  }

  /** requests sent so far */
  get requests(): number {
    return this.pages.requests;
  }

  async read(ctx: SourceReadContext): Promise<SourceSnapshot> {
    const saved = parseWatermark(ctx.watermark);
    if (ctx.watermark && !saved) this.deps.log?.warn?.({ source: this.name }, 'entra: the saved watermark is not a pair of delta links; reading everything');
    try {
      if (saved && (saved.groups || !this.cfg.groups)) {
        try {
          return snapshot('delta', await this.round(saved), []);
        } catch (err) {
          if (!(err instanceof DeltaExpiredError)) throw err;
          const note = `${err.message}; read everything instead`;
          this.deps.log?.warn?.({ source: this.name }, `entra: ${note}`);
          return snapshot('full', await this.round(null), []);
        }
      }
      return snapshot('full', await this.round(null), []);
    } catch (err) {
      if (!(err instanceof ReadError || err instanceof DeltaExpiredError)) throw err;
      return { mode: saved ? 'delta' : 'full', complete: false, records: [], problems: [], incompleteReason: err.message, watermark: ctx.watermark };
    }
  }

  async readOne(externalId: string): Promise<RawRecord | null> {
    const id = encodeURIComponent(externalId);
    const user = await this.pages.get(`${this.base}/users/${id}?$select=${userSelect(this.mapping).replace(',manager', '')}`, `user ${externalId}`, true);
    if (!user) return null;
    const manager = await this.pages.get(`${this.base}/users/${id}/manager?$select=id,${this.employeeIdProperty()}`, `manager of ${externalId}`, true);
    return { externalId, attributes: userAttributes(user, this.mapping, manager ? text(manager[this.employeeIdProperty()]) : null), location: `user ${externalId}` };
  }

  private async round(saved: Watermark | null): Promise<RoundResult> {
    const mode = saved ? 'delta' : 'full';
    const users = await this.readUsers(saved?.users ?? `${this.base}/users/delta?$select=${userSelect(this.mapping)}`, mode);
    const result: RoundResult = { ...users, watermark: { users: users.deltaLink, groups: null } };
    if (this.cfg.groups) {
      const groups = await this.readGroups(saved?.groups ?? `${this.base}/groups/delta?$select=displayName,description,members`, mode);
      Object.assign(result, { groups: groups.groups, removedGroups: groups.removed });
      result.watermark.groups = groups.deltaLink;
    }
    return result;
  }

  private async readUsers(first: string, mode: 'full' | 'delta') {
    const seen = new Map<string, { user: any; location: string }>();
    const removed = new Set<string>();
    const problems: SourceProblem[] = [];
    const deltaLink = await this.follow(first, 'users', (item, location) => {
      if (typeof item?.id !== 'string' || item.id === '') return void problems.push({ location, message: 'user without an id' });
      if (item['@removed']) {
        seen.delete(item.id);
        removed.add(item.id);
        return;
      }
      removed.delete(item.id);
      // a user may appear twice in one round: keep the later copy, but not its lost manager
      const earlier = seen.get(item.id)?.user;
      if (earlier && item['manager@delta'] === undefined && earlier['manager@delta'] !== undefined) item['manager@delta'] = earlier['manager@delta'];
      seen.set(item.id, { user: item, location });
    });
    const records = await this.toRecords([...seen.values()], mode);
    return { records, removed: mode === 'delta' ? [...removed] : [], problems, deltaLink };
  }

  private async toRecords(users: Array<{ user: any; location: string }>, mode: 'full' | 'delta'): Promise<RawRecord[]> {
    const prop = this.employeeIdProperty();
    const employeeIdOf = new Map(users.map(({ user }) => [user.id as string, text(user[prop])]));
    const lookups = new Map<string, string | null>();
    // a delta round names the manager only when it changed: ask for the current one of the others
    const asked = mode === 'delta' ? users.filter(({ user }) => managerDelta(user) === undefined).map(({ user }) => user.id as string) : [];
    const currentManager = new Map<string, string | null>();
    await eachConcurrently(asked, MANAGER_LOOKUPS_AT_ONCE, async (id) => {
      const m = await this.pages.get(`${this.base}/users/${encodeURIComponent(id)}/manager?$select=id,${prop}`, `manager of user ${id}`, true);
      currentManager.set(id, m?.id ?? null);
      if (m?.id) lookups.set(m.id, text(m[prop]));
    });
    const records: RawRecord[] = [];
    for (const { user, location } of users) {
      const managerId = currentManager.has(user.id) ? currentManager.get(user.id) : managerDelta(user);
      let managerEmployeeId: string | null = null;
      if (managerId) managerEmployeeId = employeeIdOf.get(managerId) ?? (await this.employeeIdOfUser(managerId, lookups));
      records.push({ externalId: user.id, attributes: userAttributes(user, this.mapping, managerEmployeeId), location });
    }
    return records;
  }

  private async employeeIdOfUser(id: string, cache: Map<string, string | null>): Promise<string | null> {
    if (!cache.has(id)) {
      const prop = this.employeeIdProperty();
      const u = await this.pages.get(`${this.base}/users/${encodeURIComponent(id)}?$select=id,${prop}`, `manager ${id}`, true);
      cache.set(id, u ? text(u[prop]) : null);
    }
    return cache.get(id) ?? null;
  }

  private async readGroups(first: string, mode: 'full' | 'delta') {
    const slices = new GroupSlices();
    const deltaLink = await this.follow(first, 'groups', (item, location) => void slices.add(item, location));
    for (const id of mode === 'delta' ? slices.unnamed() : []) {
      const g = await this.pages.get(`${this.base}/groups/${encodeURIComponent(id)}?$select=id,displayName,description`, `group ${id}`, true);
      if (g?.displayName) slices.name(id, g.displayName, g.description ?? undefined);
    }
    const included = (name: string) => this.include.length === 0 || this.include.some((r) => r.test(name));
    return { ...slices.result(mode, included), deltaLink };
  }

  /** Follows @odata.nextLink to the page with @odata.deltaLink and returns that link. */
  private async follow(first: string, what: 'users' | 'groups', onItem: (item: any, location: string) => void): Promise<string> {
    let url = first;
    for (let page = 1; ; page++) {
      const label = `${what} page ${page}`;
      const body = await this.pages.get(url, label);
      if (!Array.isArray(body.value)) throw new ReadError(`${label}: the answer has no "value" list`);
      body.value.forEach((item: any, i: number) => onItem(item, `${label} item ${i + 1}`));
      if (typeof body['@odata.deltaLink'] === 'string') return body['@odata.deltaLink'];
      if (typeof body['@odata.nextLink'] !== 'string') throw new ReadError(`${label}: the answer has neither @odata.nextLink nor @odata.deltaLink`);
      url = body['@odata.nextLink'];
    }
  }

  private employeeIdProperty(): string {
    return this.mapping.employeeId ?? 'employeeId';
  }
}

/**
 * Manager lookups of one delta round sent at once: one after the other, the 1,000 of a 1% round of
 * 100,000 people took 10 s of round trips. Graph throttles far above this; a 429 still waits.
 */
const MANAGER_LOOKUPS_AT_ONCE = 8;

async function eachConcurrently<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    try {
      while (next < items.length) await fn(items[next++]);
    } catch (err) {
      next = items.length; // one failure ends the round: the others stop taking items
      throw err;
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function snapshot(mode: 'full' | 'delta', r: RoundResult, problems: SourceProblem[]): SourceSnapshot {
  return {
    mode,
    complete: true,
    records: r.records,
    removed: mode === 'delta' ? r.removed : undefined,
    ...(r.groups ? { groups: r.groups, removedGroups: mode === 'delta' ? r.removedGroups : undefined } : {}),
    problems: [...problems, ...r.problems],
    incompleteReason: null,
    watermark: JSON.stringify(r.watermark),
  };
}

function parseWatermark(raw: string | null): Watermark | null {
  if (!raw) return null;
  try {
    const w = JSON.parse(raw);
    return typeof w?.users === 'string' ? { users: w.users, groups: typeof w.groups === 'string' ? w.groups : null } : null;
  } catch {
    return null;
  }
}

function text(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}
