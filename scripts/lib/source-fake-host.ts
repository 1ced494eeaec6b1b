// Runs the Okta fake or the Graph fake in a process of its own for the source benchmark, so the
// fake's CPU and memory are not counted as idsync's. Talks to its parent over IPC: it answers
// "ready" with how to reach it, then "change" (1% of the population) and "stats" (requests served,
// its own CPU time and peak RSS).
import type { ChildProcess } from 'node:child_process';
import { startGraphDeltaFake } from '../../test/fakes/graph-delta';
import { startOktaFake } from '../../test/fakes/okta';
import { changeGraph, changeOkta, loadGraph, loadOkta, type Changes } from './source-population';

export type FakeKind = 'okta' | 'entra';

export interface FakeReady {
  /** source configuration keys that point idsync at the fake */
  source: Record<string, string>;
  loadMs: number;
}

export interface FakeStats {
  requests: number;
  cpuMs: number;
  maxRssMb: number;
}

interface Hosted {
  source: Record<string, string>;
  requests(): number;
  change(): Changes;
}

async function host(kind: FakeKind, people: number, groups: number): Promise<Hosted> {
  if (kind === 'okta') {
    // the bench reads 100,000 people in 500 pages: Okta's default rate limit would make it a test of waiting
    const fake = await startOktaFake({ rateLimit: 1_000_000 });
    loadOkta(fake, people, groups);
    return { source: { url: fake.url, token: fake.token }, requests: () => fake.counts.requests, change: () => changeOkta(fake, people, groups) };
  }
  // Graph's users/delta pages hold 100-200 users; members arrive in slices, big groups on several pages
  const fake = await startGraphDeltaFake({ pageSize: 200, memberSlice: 20 });
  const ids = loadGraph(fake, people, groups);
  return {
    source: { tenantId: fake.tenantId, clientId: fake.clientId, clientSecret: fake.clientSecret, authorityUrl: fake.authorityUrl, graphUrl: fake.graphUrl },
    requests: () => fake.counts.requests + fake.counts.tokens,
    change: () => changeGraph(fake, people, ids),
  };
}

/** The child's side: start, load, then answer the parent until it disconnects. */
export async function serveFake(kind: FakeKind, people: number, groups: number): Promise<void> {
  const started = Date.now();
  const hosted = await host(kind, people, groups);
  const stats = (): FakeStats => {
    const cpu = process.cpuUsage();
    return { requests: hosted.requests(), cpuMs: Math.round((cpu.user + cpu.system) / 1000), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
  };
  process.on('message', (m) => {
    if (m === 'change') process.send!(hosted.change());
    else if (m === 'stats') process.send!(stats());
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ source: hosted.source, loadMs: Date.now() - started } satisfies FakeReady);
}

/** The parent's side: one question, one answer. */
export function ask<T>(child: ChildProcess, message?: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the fake's process exited with ${code}`));
    child.once('exit', onExit);
    child.once('message', (m) => {
      child.off('exit', onExit);
      resolve(m as T);
    });
    if (message !== undefined) child.send(message);
  });
}
