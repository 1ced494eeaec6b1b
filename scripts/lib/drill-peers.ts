// The termination drill's peers: the SCIM service provider, the webhook receiver and the LDAP
// probe run in a child process, as real targets and real LDAP clients run elsewhere. In-process
// they would share idsync's event loop and the drill would time them, not idsync.
import { fork, type ChildProcess } from 'node:child_process';
import { Client } from 'ldapts';
import { startScimServer } from '../../test/fakes/scim-server';
import { startWebhookReceiver } from '../../test/fakes/webhook-receiver';
import { startOktaFake, type OktaFake } from '../../test/fakes/okta';

export interface Peers {
  scim: { url: string; token: string };
  hook: { url: string; secret: string };
  /** the Okta Management API fake, the source of the okta-hook drill */
  okta: { url: string; token: string };
}

/** One person the probe watches until their bind is refused. */
export interface ProbeSubject {
  id: string;
  uid: string;
  dn: string;
  password: string;
}

type Ask =
  | { q: 'webhook-active'; userNames: string[] }
  | { q: 'okta-seed'; people: { employeeId: string; first: string; last: string; department: string }[] }
  | { q: 'okta-deactivate'; ids: string[] }
  | { q: 'probe-binds'; url: string; account: ProbeAccount & { baseDN: string }; subjects: ProbeSubject[]; timeoutMs: number };

/** Entry point of the child: started by the drill with `--serve-peers`. */
export async function servePeers(): Promise<void> {
  const scim = await startScimServer({ caseInsensitiveFilter: true });
  const hook = await startWebhookReceiver();
  const okta = await startOktaFake();
  process.on('message', (m: Ask & { n: number }) => {
    const answer = (body: object) => process.send?.({ ...body, n: m.n });
    if (m.q === 'okta-seed') answer({ ids: m.people.map((p) => addOktaUser(okta, p)) });
    else if (m.q === 'okta-deactivate') {
      // what an admin's Deactivate does to the user; Okta then sends the event
      for (const id of m.ids) Object.assign(okta.users.get(id)!, { status: 'DEPROVISIONED', lastUpdated: new Date().toISOString() });
      answer({ done: true });
    } else if (m.q === 'webhook-active') {
      const active = m.userNames.filter((u) => [...hook.accounts.values()].some((a) => a.userName.toLowerCase() === u.toLowerCase() && a.active));
      answer({ active });
    } else {
      void probeView(m.url, m.account, m.subjects, m.timeoutMs).then((results) => answer({ results }), (err: Error) => answer({ error: err.message }));
    }
  });
  process.send?.({ scim: { url: scim.url, token: scim.token }, hook: { url: hook.url, secret: hook.secret }, okta: { url: okta.url, token: okta.token } } satisfies Peers);
}

let oktaIds = 0;

/** A user as Okta stores one: an immutable id, a login, a profile. */
function addOktaUser(okta: OktaFake, p: { employeeId: string; first: string; last: string; department: string }): string {
  const id = `00u${String(++oktaIds).padStart(17, '0')}`;
  const stamp = new Date().toISOString();
  const login = `${p.first}.${p.last}@example.com`.toLowerCase();
  okta.users.set(id, { id, status: 'ACTIVE', created: stamp, lastUpdated: stamp, profile: { firstName: p.first, lastName: p.last, email: login, login, employeeNumber: p.employeeId, department: p.department, title: 'Staff', displayName: `${p.first} ${p.last}` } });
  return id;
}

/** Control of the Okta fake in the peer process. */
export interface OktaControl {
  seed(people: { employeeId: string; first: string; last: string; department: string }[]): Promise<string[]>;
  deactivate(ids: string[]): Promise<void>;
}

export function oktaControl(child: ChildProcess): OktaControl {
  return {
    seed: async (people) => (await ask<{ ids: string[] }>(child, { q: 'okta-seed', people })).ids,
    deactivate: async (ids) => void (await ask(child, { q: 'okta-deactivate', ids })),
  };
}

export function startPeers(entry: string): Promise<{ peers: Peers; child: ChildProcess }> {
  const child = fork(entry, ['--serve-peers'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (peers) => resolve({ peers: peers as Peers, child }));
    child.once('exit', (code) => reject(new Error(`peer process exited with ${code}`)));
  });
}

let asked = 0;

/** One question to the peer process; answers carry the question's number, as several can be open. */
function ask<T>(child: ChildProcess, message: Ask): Promise<T> {
  const n = ++asked;
  return new Promise((resolve) => {
    const onMessage = (m: { n?: number }) => {
      if (m.n !== n) return;
      child.off('message', onMessage);
      resolve(m as T);
    };
    child.on('message', onMessage);
    child.send({ ...message, n });
  });
}

export async function webhookStillActive(child: ChildProcess, userNames: string[]): Promise<string[]> {
  return (await ask<{ active: string[] }>(child, { q: 'webhook-active', userNames })).active;
}

/** What the probe saw of one person. */
export interface ProbeResult {
  /** the last search that still found the entry was sent at */
  lastSeenSentAt: number;
  /** the first search that no longer found it was sent at, and answered at */
  goneSentAt: number;
  goneAnsweredAt: number;
  /** the bind sent right after, and its result code (49: refused) */
  bindAnsweredAt: number;
  bindCode: number;
}

export interface ProbeAccount {
  dn: string;
  password: string;
}

/**
 * Watches the LDAP frontend from the child, as an application would, until every subject is
 * refused. Terminated people are absent from the view, and a bind is judged on the same snapshot
 * (an absent DN is refused with 49), so one search over all subjects every few ms, as a service
 * account, sees each refusal with a resolution of one search; binding as every subject in turn
 * would cost an argon2 verify (~20 ms of a core) each and see it a round of binds late. Each
 * disappearance is then confirmed by a real bind as the person. Times are Date.now(), the drill's
 * clock.
 */
export async function probeRefusals(child: ChildProcess, url: string, account: ProbeAccount & { baseDN: string }, subjects: ProbeSubject[], timeoutMs: number): Promise<Map<string, ProbeResult>> {
  const { results, error } = await ask<{ results?: Record<string, ProbeResult>; error?: string }>(child, { q: 'probe-binds', url, account, subjects, timeoutMs });
  if (!results) throw new Error(`the LDAP probe failed: ${error}`);
  return new Map(Object.entries(results));
}

async function probeView(url: string, account: ProbeAccount & { baseDN: string }, subjects: ProbeSubject[], timeoutMs: number): Promise<Record<string, ProbeResult>> {
  const results: Record<string, ProbeResult> = {};
  const lastSeen = new Map<string, number>();
  const deadline = Date.now() + timeoutMs;
  const watcher = new Client({ url, timeout: 5000 });
  const binder = new Client({ url, timeout: 5000 });
  await watcher.bind(account.dn, account.password);
  let binds = Promise.resolve();
  let left = subjects;
  try {
    while (left.length && Date.now() < deadline) {
      const sentAt = Date.now();
      const filter = `(|${left.map((s) => `(uid=${s.uid})`).join('')})`;
      const { searchEntries } = await watcher.search(account.baseDN, { scope: 'sub', filter, attributes: ['uid'] });
      const answeredAt = Date.now();
      const seen = new Set(searchEntries.map((e) => String(e.uid).toLowerCase()));
      const still: ProbeSubject[] = [];
      for (const s of left) {
        if (seen.has(s.uid.toLowerCase())) {
          lastSeen.set(s.id, sentAt);
          still.push(s);
          continue;
        }
        const r: ProbeResult = { lastSeenSentAt: lastSeen.get(s.id) ?? NaN, goneSentAt: sentAt, goneAnsweredAt: answeredAt, bindAnsweredAt: NaN, bindCode: NaN };
        results[s.id] = r;
        binds = binds.then(async () => {
          r.bindCode = await bindCode(binder, s);
          r.bindAnsweredAt = Date.now();
        });
      }
      left = still;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await binds;
  } finally {
    await watcher.unbind().catch(() => undefined);
    await binder.unbind().catch(() => undefined);
  }
  return results;
}

async function bindCode(client: Client, s: ProbeSubject): Promise<number> {
  try {
    await client.bind(s.dn, s.password);
    return 0;
  } catch (err) {
    const code = (err as { code?: number }).code;
    return typeof code === 'number' ? code : -1;
  }
}
