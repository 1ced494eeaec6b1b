// The termination drill's peers: the SCIM service provider, the webhook receiver and the LDAP bind
// probe run in a child process, as real targets and real LDAP clients run elsewhere. In-process
// they would share idsync's event loop and the drill would time them, not idsync.
import { fork, type ChildProcess } from 'node:child_process';
import { Client } from 'ldapts';
import { startScimServer } from '../../test/fakes/scim-server';
import { startWebhookReceiver } from '../../test/fakes/webhook-receiver';

export interface Peers {
  scim: { url: string; token: string };
  hook: { url: string; secret: string };
}

/** One person whose bind the prober retries until it is refused. */
export interface ProbeSubject {
  id: string;
  dn: string;
  password: string;
}

type Ask =
  | { q: 'webhook-active'; userNames: string[] }
  | { q: 'probe-binds'; url: string; subjects: ProbeSubject[]; connections: number; timeoutMs: number };

/** Entry point of the child: started by the drill with `--serve-peers`. */
export async function servePeers(): Promise<void> {
  const scim = await startScimServer({ caseInsensitiveFilter: true });
  const hook = await startWebhookReceiver();
  process.on('message', (m: Ask) => {
    if (m.q === 'webhook-active') {
      const active = m.userNames.filter((u) => [...hook.accounts.values()].some((a) => a.userName.toLowerCase() === u.toLowerCase() && a.active));
      process.send?.({ active });
    } else {
      void probeBinds(m.url, m.subjects, m.connections, m.timeoutMs).then((results) => process.send?.({ results }));
    }
  });
  process.send?.({ scim: { url: scim.url, token: scim.token }, hook: { url: hook.url, secret: hook.secret } } satisfies Peers);
}

export function startPeers(entry: string): Promise<{ peers: Peers; child: ChildProcess }> {
  const child = fork(entry, ['--serve-peers'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (peers) => resolve({ peers: peers as Peers, child }));
    child.once('exit', (code) => reject(new Error(`peer process exited with ${code}`)));
  });
}

function ask<T>(child: ChildProcess, message: Ask): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as T));
    child.send(message);
  });
}

export async function webhookStillActive(child: ChildProcess, userNames: string[]): Promise<string[]> {
  return (await ask<{ active: string[] }>(child, { q: 'webhook-active', userNames })).active;
}

/** What the probe saw of one person: the last bind accepted, and the first one refused. */
export interface ProbeResult {
  lastAcceptedSentAt: number;
  refusedSentAt: number;
  refusedAnsweredAt: number;
}

/**
 * Binds as each subject over and over, from the child, until the bind is refused with
 * invalidCredentials (49); times are Date.now(), the same clock as the drill's. Every bind costs
 * the server an argon2 verify (~20 ms of a core, refused or not), so the subjects are shared out
 * over two connections binding them in turn: the probe costs about one core, and its resolution is
 * one round over a connection's share, which the caller reports (accepted -> refused gap).
 */
export async function probeRefusals(child: ChildProcess, url: string, subjects: ProbeSubject[], timeoutMs: number): Promise<Map<string, ProbeResult>> {
  const { results } = await ask<{ results: Record<string, ProbeResult> }>(child, { q: 'probe-binds', url, subjects, connections: 2, timeoutMs });
  return new Map(Object.entries(results));
}

async function probeBinds(url: string, subjects: ProbeSubject[], connections: number, timeoutMs: number): Promise<Record<string, ProbeResult>> {
  const results: Record<string, ProbeResult> = {};
  const lastAccepted = new Map<string, number>();
  const deadline = Date.now() + timeoutMs;
  const shares = Array.from({ length: connections }, (_, c) => subjects.filter((_s, i) => i % connections === c));
  await Promise.all(shares.map(async (share) => {
    let client = new Client({ url, timeout: 5000 });
    let left = share;
    while (left.length && Date.now() < deadline) {
      const still: ProbeSubject[] = [];
      for (const s of left) {
        const sentAt = Date.now();
        const code = await bindCode(client, s);
        if (code === 49) results[s.id] = { lastAcceptedSentAt: lastAccepted.get(s.id) ?? NaN, refusedSentAt: sentAt, refusedAnsweredAt: Date.now() };
        else still.push(s);
        if (code === 0) lastAccepted.set(s.id, sentAt);
        // anything but a result code (a dropped connection) is no answer: probe again afresh
        if (code === -1) client = new Client({ url, timeout: 5000 });
      }
      left = still;
    }
    await client.unbind().catch(() => undefined);
  }));
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
