// How the termination reaches idsync in a push drill: the source it comes from (its YAML), how the
// population gets there first, and the event that terminates K people, timed when it is sent.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { OktaControl } from './drill-peers';

export type ViaName = 'scim-push' | 'csv' | 'okta-hook';
export const VIA_NAMES: readonly ViaName[] = ['scim-push', 'csv', 'okta-hook'];

export const employeeIdOf = (i: number): string => `E${100000 + i}`;

/** What the drill hands a via once the daemon runs. */
export interface ViaContext {
  /** base URL of the inbound listener, when the daemon has one */
  inboundUrl: string | null;
}

export interface Via {
  name: ViaName;
  /** sources: entries (YAML flow mappings) */
  sources: string[];
  /** extra top-level YAML (e.g. the inbound listener) */
  extraConfig: string[];
  /** the daemon runs its polled sources once at start */
  initialSync: boolean;
  /** before the daemon starts: files the source reads */
  prepare(people: number): Promise<void>;
  /** after it started: people the source pushes */
  seed(ctx: ViaContext, people: number): Promise<void>;
  /** terminates people 0..k-1; resolves with, per employee id, when the event left and when it was answered */
  terminate(ctx: ViaContext, k: number): Promise<Map<string, { sentAt: number; answeredAt: number }>>;
}

const SAFETY = 'safety: { maxRemovals: 100000, maxRemovalPercent: 100 }';

export function openVia(name: ViaName, dir: string, people: number, okta: { url: string; token: string; control: OktaControl }): Via {
  if (name === 'scim-push') return scimPush();
  if (name === 'csv') return csvDrop(join(dir, 'hr.csv'), people);
  return oktaHook(okta);
}

// --- inbound SCIM, as Entra provisions ---------------------------------------------------------

const SCIM_TOKEN = `drill-${randomUUID()}`;
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function scimPush(): Via {
  const scimIds = new Map<string, string>();
  const headers = { Authorization: `Bearer ${SCIM_TOKEN}`, 'Content-Type': 'application/scim+json' };
  const usersUrl = (ctx: ViaContext) => `${ctx.inboundUrl}/scim/v2/entra/Users`;
  return {
    name: 'scim-push',
    sources: [`{ name: entra, kind: scim, token: ${SCIM_TOKEN} }`],
    extraConfig: ['inbound:', '  listen: tcp://127.0.0.1:0', '  limits: { requestsPerSecond: 100000, burst: 100000 }'],
    initialSync: false,
    prepare: async () => undefined,
    async seed(ctx, people) {
      await inParallel(people, 8, async (i) => {
        const res = await fetch(usersUrl(ctx), { method: 'POST', headers, body: JSON.stringify(entraUser(i)) });
        if (res.status !== 201) throw new Error(`POST person ${i}: ${res.status} ${await res.text()}`);
        scimIds.set(employeeIdOf(i), ((await res.json()) as { id: string }).id);
      });
    },
    async terminate(ctx, k) {
      const out = new Map<string, { sentAt: number; answeredAt: number }>();
      const body = JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
      await Promise.all(Array.from({ length: k }, async (_, i) => {
        const employeeId = employeeIdOf(i);
        const sentAt = Date.now();
        await sendUntilAccepted(() => fetch(`${usersUrl(ctx)}/${scimIds.get(employeeId)}`, { method: 'PATCH', headers, body }), `PATCH ${employeeId}`);
        out.set(employeeId, { sentAt, answeredAt: Date.now() });
      }));
      return out;
    },
  };
}

function entraUser(i: number): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
    externalId: `ext-${i}`,
    userName: `person${i}@example.com`,
    active: true,
    name: { givenName: `Given${i}`, familyName: `Person${i}` },
    emails: [{ primary: true, type: 'work', value: `person${i}@example.com` }],
    [ENTERPRISE]: { employeeNumber: employeeIdOf(i), department: i % 3 ? 'Engineering' : 'Sales' },
  };
}

/** As Entra does: a 429 or 503 is sent again after its Retry-After; anything else but a 2xx is an error. */
async function sendUntilAccepted(send: () => Promise<Response>, what: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const res = await send();
    const text = await res.text();
    if (res.ok) return;
    if ((res.status !== 429 && res.status !== 503) || attempt >= 20) throw new Error(`${what}: ${res.status} ${text}`);
    const wait = Number(res.headers.get('retry-after') ?? '1');
    await new Promise((r) => setTimeout(r, Math.min(Number.isFinite(wait) ? wait : 1, 2) * 1000));
  }
}

async function inParallel(n: number, width: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await work(next++);
  }));
}

// --- the HR CSV drop ---------------------------------------------------------------------------

const CSV_HEADER = 'employee_id,first_name,last_name,email,department,title,manager_id,status,start_date,end_date,employee_type,location';

function csvDrop(path: string, people: number): Via {
  const write = (leavers: number): void => {
    const rows = Array.from({ length: people }, (_, i) => [employeeIdOf(i), `Given${i}`, `Person${i}`, `person${i}@example.com`, i % 3 ? 'Engineering' : 'Sales', 'Staff', '', i < leavers ? 'terminated' : 'active', '2020-01-01', '', 'employee', 'Berlin'].join(','));
    // written aside then renamed, as a careful HR export does: the source never sees half a file
    writeFileSync(`${path}.tmp`, [CSV_HEADER, ...rows, ''].join('\n'));
    renameSync(`${path}.tmp`, path);
  };
  return {
    name: 'csv',
    // the tightest schedule cron allows (node-cron's seconds field); no settle wait, since the file
    // is renamed into place whole
    sources: [`{ name: hr, kind: csv, path: ${path}, schedule: "* * * * * *", settleSeconds: 0, ${SAFETY} }`],
    extraConfig: [],
    initialSync: true,
    prepare: async () => write(0),
    seed: async () => undefined,
    async terminate(_ctx, k) {
      const sentAt = Date.now();
      write(k);
      const answeredAt = Date.now();
      return new Map(Array.from({ length: k }, (_, i) => [employeeIdOf(i), { sentAt, answeredAt }]));
    },
  };
}

// --- an Okta source told by Event Hooks ---------------------------------------------------------

const HOOK_SECRET = `drill-hook-${randomUUID()}`;

function oktaHook(okta: { url: string; token: string; control: OktaControl }): Via {
  let ids: string[] = [];
  const event = (id: string) => JSON.stringify({
    eventType: 'com.okta.event_hook', eventTypeVersion: '1.0', cloudEventsVersion: '0.1', source: 'https://example.okta.com/api/v1/eventHooks/who1', eventId: randomUUID(),
    data: { events: [{ uuid: randomUUID(), published: new Date().toISOString(), eventType: 'user.lifecycle.deactivate', displayMessage: 'Deactivate Okta user', severity: 'INFO', actor: { id: '00uadmin', type: 'User' }, target: [{ id, type: 'User' }] }] },
  });
  return {
    name: 'okta-hook',
    // the schedule never comes during the drill: only the hooks can tell idsync
    sources: [`{ name: okta, kind: okta, url: "${okta.url}", token: "${okta.token}", schedule: "0 0 1 1 *", hook: { header: Authorization, secret: ${HOOK_SECRET} }, ${SAFETY} }`],
    extraConfig: ['inbound:', '  listen: tcp://127.0.0.1:0', '  limits: { requestsPerSecond: 100000, burst: 100000 }'],
    initialSync: true,
    async prepare(people) {
      ids = await okta.control.seed(Array.from({ length: people }, (_, i) => ({ employeeId: employeeIdOf(i), first: `Given${i}`, last: `Person${i}`, department: i % 3 ? 'Engineering' : 'Sales' })));
    },
    seed: async () => undefined,
    async terminate(ctx, k) {
      const out = new Map<string, { sentAt: number; answeredAt: number }>();
      // the admin deactivates k people at once; Okta delivers one event each, all at the same time
      await okta.control.deactivate(ids.slice(0, k));
      await Promise.all(ids.slice(0, k).map(async (id, i) => {
        const sentAt = Date.now();
        await sendUntilAccepted(() => fetch(`${ctx.inboundUrl}/hooks/okta`, { method: 'POST', headers: { Authorization: HOOK_SECRET, 'Content-Type': 'application/json' }, body: event(id) }), `hook for ${employeeIdOf(i)}`);
        out.set(employeeIdOf(i), { sentAt, answeredAt: Date.now() });
      }));
      return out;
    },
  };
}
