// Quick measurement (not a test): SCIM connector round-trips per second against the scimmy
// provider. One "round" = create + update (title change, PATCH) + disable (PATCH) of one person.
// Run:  npx tsc -p tsconfig.json --outDir /tmp/idsync-bench && node /tmp/idsync-bench/test/fakes/bench-scim-target.js [people] [concurrency]
import { openTarget } from '../../src/connectors/targets';
import { startScimServer } from './scim-server';

async function main(): Promise<void> {
  const people = Number(process.argv[2] ?? 500);
  const concurrency = Number(process.argv[3] ?? 8);
  const srv = await startScimServer({ caseInsensitiveFilter: true });
  const scim = openTarget({ name: 'bench', kind: 'scim', url: srv.url, token: srv.token });
  let next = 0;
  const latencies: number[] = [];
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (next < people) {
      const i = next++;
      const t0 = process.hrtime.bigint();
      const desired = {
        identityId: `id-${i}`,
        userName: `bench-${i}`,
        active: true,
        attributes: { givenName: 'Bench', sn: `P${i}`, displayName: `Bench P${i}`, mail: `bench-${i}@example.com`, title: 'Engineer', department: 'R&D', employeeId: `E${i}` },
        groups: [],
      };
      const created = await scim.create(desired);
      const updated = await scim.update(created, { ...desired, attributes: { ...desired.attributes, title: 'Senior Engineer' } });
      await scim.disable(updated);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1);
  const disabled = [...srv.users.values()].filter((u) => u.active === false).length;
  console.log(
    JSON.stringify({
      people,
      concurrency,
      seconds: Number(seconds.toFixed(2)),
      roundsPerSecond: Number((people / seconds).toFixed(1)),
      httpRequests: srv.effects.requests,
      requestsPerSecond: Number((srv.effects.requests / seconds).toFixed(1)),
      roundMs: { p50: q(0.5), p95: q(0.95), max: q(1) },
      disabledAtEnd: disabled,
    }),
  );
  await srv.close();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
