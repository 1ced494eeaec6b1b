// Measures what the first sync asks of the SQLite store: N people committed in batches of identity +
// source record + audit record, then full listings. Not a jest test; run it compiled:
//   npx tsc -p tsconfig.json --outDir /tmp/idsync-storage-bench && node /tmp/idsync-storage-bench/test/conformance/bench/sqlite-bulk.js [N] [batch]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChainVerifier } from '../../../src/domain/audit-chain';
import { SqliteStore } from '../../../src/storage/sqlite/sqlite-store';
import { auditDraft, identity, insert, sourceRecord } from '../fixtures';

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 100_000);
  const batch = Number(process.argv[3] ?? 2_000);
  const dir = mkdtempSync(join(tmpdir(), 'idsync-bench-'));
  const path = join(dir, 'idsync.db');
  const store = new SqliteStore(path);
  const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let start = 1; start <= total; start += batch) {
    const ns = Array.from({ length: Math.min(batch, total - start + 1) }, (_, k) => start + k);
    await store.commit({
      identities: ns.map((n) => insert(identity(n))),
      sourceRecords: ns.map((n) => sourceRecord('hr', `E${n}`, { identityId: `id-${n}` })),
      audit: ns.map((n) => auditDraft(`id-${n}`, 'identity.create', { before: null, after: identity(n).attributes })),
    });
  }
  const insertMs = ms(t0);
  const cpu = process.cpuUsage(cpu0);
  const insertCpuMs = (cpu.user + cpu.system) / 1000;

  const t1 = process.hrtime.bigint();
  const cpu1 = process.cpuUsage();
  const identities = await store.listIdentities();
  const listIdentitiesMs = ms(t1);
  const listCpu = process.cpuUsage(cpu1);
  const t2 = process.hrtime.bigint();
  const records = await store.listSourceRecords('hr');
  const listSourceRecordsMs = ms(t2);
  const t3 = process.hrtime.bigint();
  const verifier = new ChainVerifier();
  for (let from = 1; ; from += 5_000) {
    const page = await store.readAudit(from, 5_000);
    page.forEach((r) => verifier.push(r));
    if (page.length < 5_000) break;
  }
  const fault = verifier.finish(await store.auditHead());
  const verifyMs = ms(t3);
  const t4 = process.hrtime.bigint();
  for (let n = 1; n <= 10_000; n++) await store.getIdentity({ by: 'username', value: `USER${n}` });
  const lookupsMs = ms(t4);

  const dbBytes = statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(
    JSON.stringify({
      people: total,
      batch,
      commits: Math.ceil(total / batch),
      insertMs: Math.round(insertMs),
      insertCpuMs: Math.round(insertCpuMs),
      listIdentitiesMs: Math.round(listIdentitiesMs),
      listIdentitiesCpuMs: Math.round((listCpu.user + listCpu.system) / 1000),
      identities: identities.length,
      listSourceRecordsMs: Math.round(listSourceRecordsMs),
      sourceRecords: records.length,
      verifyAuditMs: Math.round(verifyMs),
      auditFault: fault,
      usernameLookups10kMs: Math.round(lookupsMs),
      dbMB: Math.round(dbBytes / 1e5) / 10,
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
}

void main();
