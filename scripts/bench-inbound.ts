// Inbound SCIM benchmark: what one Entra-style provisioning cycle costs per person as the source
// grows. Each person is a userName probe (GET with filter) then a POST, as Entra sends them, to
// the daemon started in-process (SQLite, the local Redis). The reference is the same run's first
// hundred people: the ratio says how a request's cost grows with the people already pushed.
//
//   npm run bench:inbound -- --people 2000
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startDaemon } from '../src/main';
import { silentLogger } from '../src/ports/logger';
import { deletePrefix } from '../src/redis/keys';

const TOKEN = `bench-${randomUUID()}`;
const WINDOW = 100;

function argNumber(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const people = Math.max(2 * WINDOW, argNumber('people', 2000));
  const dir = mkdtempSync(join(tmpdir(), 'idsync-bench-inbound-'));
  const prefix = `idsync-bench-${randomUUID()}`;
  const config = join(dir, 'idsync.yaml');
  writeFileSync(config, [
    `store: { kind: sqlite, path: ${join(dir, 'idsync.db')} }`,
    `redis: { url: redis://127.0.0.1:6379, prefix: ${prefix} }`,
    'sources:',
    `  - { name: entra, kind: scim, token: ${TOKEN} }`,
    'inbound:',
    '  listen: tcp://127.0.0.1:0',
    '  limits: { requestsPerSecond: 100000, burst: 100000 }',
  ].join('\n'));
  const daemon = await startDaemon(config, { log: silentLogger, initialSync: false });
  try {
    const base = `${daemon.inbound!.address.replace(/^tcp:/, 'http:')}/scim/v2/entra`;
    const headers = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/scim+json' };
    const perPerson: number[] = [];
    const probes: number[] = [];
    for (let i = 0; i < people; i++) {
      const userName = `user${i}@bench.test`;
      const started = performance.now();
      await (await fetch(`${base}/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`, { headers })).text();
      probes.push(performance.now() - started);
      const res = await fetch(`${base}/Users`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, name: { givenName: 'Bench', familyName: `Person${i}` }, emails: [{ value: userName, primary: true }] }),
      });
      if (res.status !== 201) throw new Error(`POST ${userName}: ${res.status} ${await res.text()}`);
      perPerson.push(performance.now() - started);
    }
    const first = median(perPerson.slice(0, WINDOW));
    const last = median(perPerson.slice(-WINDOW));
    console.log(JSON.stringify({
      bench: 'inbound-scim', people,
      probeAndCreateMedianMs: { first100: Number(first.toFixed(1)), last100: Number(last.toFixed(1)) },
      lastToFirstRatio: Number((last / first).toFixed(2)),
      probeMedianMs: { first100: Number(median(probes.slice(0, WINDOW)).toFixed(1)), last100: Number(median(probes.slice(-WINDOW)).toFixed(1)) },
    }));
  } finally {
    await deletePrefix(daemon.redis.client, prefix);
    await daemon.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench-inbound failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
