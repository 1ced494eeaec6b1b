// Google Workspace source. The Directory API has no server-side delta, so every run is a full
// listing (active and deleted users, groups and members) and the store's diff finds the changes.
import { systemClock, type Clock } from '../../../ports/clock';
import type { RawGroup, RawRecord, SourceConnector, SourceProblem, SourceSnapshot } from '../../../ports/source-connector';
import type { SourceDeps } from '../registry';
import { GOOGLE_TOKEN_URL, type GoogleSourceConfig } from './config';
import { CachedToken } from '../../http/cached-token';
import { ReadError, readerPace } from '../../http/json-reader';
import { DirectoryClient } from './directory-client';
import { readGroups } from './groups';
import { managerEmailOf, mapUser, type DirectoryUser } from './mapping';
import { parseServiceAccountKey } from './service-account';
import { serviceAccountTokenRequest } from './token';

const USERS = '/admin/directory/v1/users';

export class GoogleSource implements SourceConnector {
  readonly kind = 'google';
  readonly name: string;
  readonly authoritative: boolean;
  readonly client: DirectoryClient;

  constructor(private readonly cfg: GoogleSourceConfig, deps: Pick<SourceDeps, 'clock' | 'sleep' | 'log'> = {}) {
    this.name = cfg.name;
    this.authoritative = cfg.authoritative;
    const clock: Clock = deps.clock ?? systemClock;
    const key = parseServiceAccountKey(cfg.credentials);
    const tokenUrl = cfg.tokenUrl ?? key.tokenUri ?? GOOGLE_TOKEN_URL;
    const token = new CachedToken(serviceAccountTokenRequest({ key, subject: cfg.subject, tokenUrl, timeoutMs: cfg.timeoutMs }, clock), clock);
    this.client = new DirectoryClient({ apiUrl: cfg.apiUrl, ...readerPace({ timeoutMs: cfg.timeoutMs, retries: cfg.retries, clock, sleep: deps.sleep }) }, token);
  }

  /** `customer` or `domain` (the API takes one of them) */
  private scope(): Record<string, string> {
    return this.cfg.domain ? { domain: this.cfg.domain } : { customer: this.cfg.customer };
  }

  async read(): Promise<SourceSnapshot> {
    const records: RawRecord[] = [];
    const problems: SourceProblem[] = [];
    let groups: RawGroup[] | undefined;
    try {
      const active = await this.listUsers(false, problems);
      const deleted = await this.listUsers(true, problems);
      const ids = new Set(active.map((u) => u.externalId));
      // a deleted id also listed as present (restored between the two listings) counts as present
      records.push(...active, ...deleted.filter((u) => !ids.has(u.externalId)));
      resolveManagers(records);
      if (this.cfg.groups.enabled) groups = await readGroups(this.client, this.cfg, this.scope(), records, problems);
    } catch (err) {
      if (!(err instanceof ReadError)) throw err;
      resolveManagers(records);
      return { mode: 'full', complete: false, records, problems, incompleteReason: err.message, watermark: null };
    }
    if (problems.length) {
      const reason = `${problems.length} problem(s) in the Google directory read, first at ${problems[0].location}: ${problems[0].message}`;
      return { mode: 'full', complete: false, records, groups, problems, incompleteReason: reason, watermark: null };
    }
    return { mode: 'full', complete: true, records, groups, problems, incompleteReason: null, watermark: null };
  }

  async readOne(externalId: string): Promise<RawRecord | null> {
    const user = await this.client.getOne(`${USERS}/${encodeURIComponent(externalId)}`, { projection: 'full' }, `user ${externalId}`);
    if (!user?.id) return null;
    const record = this.toRecord(user, false, `user ${externalId}`);
    const managerEmail = managerEmailOf(user);
    if (managerEmail) {
      const manager = await this.client.getOne(`${USERS}/${encodeURIComponent(managerEmail)}`, { projection: 'basic' }, `manager ${managerEmail}`);
      record.attributes.manager = manager?.id ?? managerEmail;
    }
    return record;
  }

  private async listUsers(deleted: boolean, problems: SourceProblem[]): Promise<RawRecord[]> {
    const what = deleted ? 'deleted users' : 'users';
    const query: Record<string, string> = { ...this.scope(), maxResults: String(this.cfg.pageSize), projection: 'full', ...(deleted ? { showDeleted: 'true' } : {}) };
    const out: RawRecord[] = [];
    for await (const page of this.client.pages<DirectoryUser>(USERS, query, 'users', what)) {
      page.items.forEach((user, i) => {
        const location = `${page.label} item ${i + 1}`;
        if (typeof user?.id !== 'string' || user.id === '') {
          problems.push({ location, message: `user ${user?.primaryEmail ?? '(no primaryEmail)'} has no id` });
          return;
        }
        out.push(this.toRecord(user, deleted, location));
      });
    }
    return out;
  }

  private toRecord(user: DirectoryUser, deleted: boolean, location: string): RawRecord {
    const attributes = mapUser(user, deleted, this.cfg.attributes);
    // kept for the manager lookup, replaced by the manager's id once everyone is read
    if (!('manager' in this.cfg.attributes)) attributes.manager = managerEmailOf(user) ?? null;
    return { externalId: user.id as string, attributes, location };
  }
}

/** Manager emails -> the manager's Google id when the manager is in the read; else the email stays. */
function resolveManagers(records: RawRecord[]): void {
  const idByEmail = new Map<string, string>();
  for (const r of records) if (r.attributes.mail && r.attributes.status !== 'terminated') idByEmail.set(r.attributes.mail.toLowerCase(), r.externalId);
  for (const r of records) {
    const m = r.attributes.manager;
    if (m && m.includes('@')) r.attributes.manager = idByEmail.get(m.toLowerCase()) ?? m;
  }
}
