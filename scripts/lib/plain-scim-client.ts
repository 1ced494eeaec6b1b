// The reference for bench:provision: the same SCIM requests idsync sends per change, sent with
// fetch and nothing in between (no queue, no store), at the same concurrency, to the same server.
// Request shapes follow src/connectors/targets/scim: create = search by userName + POST of the
// full resource; update and disable = GET by id + PATCH with If-Match from meta.version.
import { randomUUID } from 'node:crypto';

export type ChangeKind = 'create' | 'update' | 'disable';

interface ScimPeer {
  url: string;
  token: string;
}

type Resource = { id: string; meta?: { version?: string } };

const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export class PlainScimClient {
  /** userName -> SCIM id of the accounts this client created */
  private readonly ids = new Map<string, string>();
  private readonly headers: Record<string, string>;

  constructor(private readonly peer: ScimPeer) {
    this.headers = { authorization: `Bearer ${peer.token}`, accept: 'application/scim+json, application/json' };
  }

  /** Runs one change per userName, `concurrency` at a time. */
  async run(kind: ChangeKind, userNames: string[], concurrency: number): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < userNames.length) {
          const i = next++;
          await this.change(kind, userNames[i], i);
        }
      }),
    );
  }

  private async change(kind: ChangeKind, userName: string, i: number): Promise<void> {
    if (kind === 'create') {
      await this.send('GET', `/Users?filter=${encodeURIComponent(`userName eq ${JSON.stringify(userName)}`)}`);
      const created = await this.send('POST', '/Users', createBody(userName, i));
      this.ids.set(userName, created!.id);
      return;
    }
    const user = await this.send('GET', `/Users/${this.ids.get(userName)}`);
    const op = kind === 'update' ? { op: 'replace', path: 'title', value: 'Senior Engineer' } : { op: 'replace', path: 'active', value: false };
    await this.send('PATCH', `/Users/${user!.id}`, { schemas: [PATCH_SCHEMA], Operations: [op] }, user!.meta?.version);
  }

  private async send(method: string, path: string, body?: unknown, ifMatch?: string): Promise<Resource | null> {
    const headers = { ...this.headers };
    if (body !== undefined) headers['content-type'] = 'application/scim+json';
    if (ifMatch) headers['if-match'] = ifMatch;
    const res = await fetch(this.peer.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`plain client: ${method} ${path} answered ${res.status}: ${text.slice(0, 120)}`);
    return text ? (JSON.parse(text) as Resource) : null;
  }
}

/** The resource idsync POSTs for a bench person (see toScimUser). */
function createBody(userName: string, i: number): Record<string, unknown> {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA],
    userName,
    externalId: randomUUID(),
    active: true,
    name: { givenName: `Given${i}`, familyName: `Bench${i}` },
    displayName: `Given${i} Bench${i}`,
    title: 'Engineer',
    emails: [{ value: `${userName}@example.com`, type: 'work', primary: true }],
    [ENTERPRISE_SCHEMA]: { employeeNumber: `B${i}`, department: 'Engineering' },
  };
}
