// A process that commits audit records and exports them to a JSON-lines file, for the SIGKILL test:
// mode "commit" commits batches until it is killed; mode "drain" exports what is left and exits.
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store';
import { FileAuditSink } from '../../src/observability/audit-sinks/file-sink';
import { AuditExporter } from '../../src/observability/audit-exporter';
import { withAuditExport } from '../../src/storage/audit-exporting-store';
import { auditDraft } from '../conformance/fixtures';

interface ChildConfig {
  storePath: string;
  filePath: string;
  mode: 'commit' | 'drain';
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.env.IDSYNC_AUDIT_CHILD ?? '') as ChildConfig;
  const raw = new SqliteStore(cfg.storePath);
  const exporter = new AuditExporter(raw, [new FileAuditSink(cfg.filePath)], { batchSize: 300, minBackoffMs: 10 });
  const store = withAuditExport(raw, exporter);
  exporter.start();
  if (cfg.mode === 'drain') {
    if (!(await exporter.flush(60_000))) throw new Error('export did not catch up');
    await exporter.close();
    await raw.close();
    return;
  }
  for (let n = 0; ; n++) {
    await store.commit({ audit: Array.from({ length: 200 }, (_, i) => auditDraft(`id-${n}-${i}`, 'identity.update')) });
    if (n === 0) process.send?.('committing');
    // yield so the exporter lane runs between commits, as it does in the daemon
    await new Promise((r) => setImmediate(r));
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
