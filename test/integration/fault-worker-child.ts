// A provisioning worker process for the SIGKILL fault test: SQLite store and fake target shared with
// the parent through files, queues in the parent's private Redis prefix. Says "ready" once serving.
import Redis from 'ioredis';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store';
import { FakeTarget } from '../../src/connectors/targets/fake/fake-target';
import { ProvisioningService } from '../../src/services/provisioning/service';
import type { TargetConfig } from '../../src/config/sections/targets';
import { bullTransport } from '../../src/queue/transport';
import { silentLogger } from '../../src/ports/logger';

interface ChildConfig {
  storePath: string;
  fakePath: string;
  prefix: string;
  redisUrl: string;
  target: TargetConfig;
}

// Loaded but idle until told "go": the parent keeps warm spares so a kill is followed by a worker at once.
function go(): Promise<void> {
  return new Promise((resolve) => process.once('message', () => resolve()));
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.env.IDSYNC_FAULT_CHILD ?? '') as ChildConfig;
  process.send?.('loaded');
  await go();
  const store = new SqliteStore(cfg.storePath);
  const redis = new Redis(cfg.redisUrl, { maxRetriesPerRequest: null });
  const fake = new FakeTarget(cfg.target.name, { statePath: cfg.fakePath, latencyMs: 3 });
  const service = new ProvisioningService({
    store,
    transport: bullTransport(redis, cfg.prefix, silentLogger),
    targets: [cfg.target],
    connectors: new Map([[cfg.target.name, fake]]),
    dispatchOnCommit: false,
    sweepIntervalMs: 3_600_000,
    // A killed worker's jobs come back once their lock lapses. The lock is renewed every half of it:
    // 3 s lets a live worker on a starved machine (spares loading, two lanes) go 1.5 s without a turn
    // before its job is thought stalled and handed to a second worker while the first still runs it.
    lockDurationMs: 3000,
    stalledIntervalMs: 300,
    maxStalledCount: 100000,
  });
  await service.start();
  process.send?.('ready');
  const stop = async (): Promise<void> => {
    await service.close();
    await fake.close();
    await store.close();
    redis.disconnect();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
}

main().catch((err) => {
  process.stderr.write(`fault worker failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
