// Operational gauges as Prometheus text, and a source's health before and after its runs.
import { renderSamples } from '../../src/observability/ops-metrics';
import { sourceRunCheck } from '../../src/observability/source-checks';
import { MemoryStore } from '../../src/storage/memory/memory-store';
import type { SyncRun } from '../../src/domain/types';
import { emptyCounts } from '../../src/services/sync/plan-run';

function run(id: string, status: SyncRun['status'], finishedAt: string): SyncRun {
  return { id, source: 'hr', status, startedAt: finishedAt, finishedAt, counts: emptyCounts(), reason: status === 'failed' ? 'HR file missing' : null, watermark: null, staged: null };
}

describe('operational metrics text', () => {
  it('writes one header per family with its samples together, escapes labels and writes +Inf', () => {
    const text = renderSamples([
      { name: 'idsync_target_queue_depth', labels: { target: 'a' }, value: 1 },
      { name: 'idsync_source_last_success_age_seconds', labels: { source: 'h"r' }, value: Infinity },
      { name: 'idsync_target_queue_depth', labels: { target: 'b' }, value: 2 },
    ]);
    expect(text.split('\n')).toEqual([
      expect.stringMatching(/^# HELP idsync_target_queue_depth /),
      '# TYPE idsync_target_queue_depth gauge',
      'idsync_target_queue_depth{target="a"} 1',
      'idsync_target_queue_depth{target="b"} 2',
      expect.stringMatching(/^# HELP idsync_source_last_success_age_seconds /),
      '# TYPE idsync_source_last_success_age_seconds gauge',
      'idsync_source_last_success_age_seconds{source="h\\"r"} +Inf',
      '',
    ]);
  });
});

describe('a source health check', () => {
  const now = () => new Date('2026-06-01T12:00:00Z');

  it('is ok before any run, with the last success age at +Inf so "never synced" alerts', async () => {
    const out = await sourceRunCheck(new MemoryStore(), 'hr', now).run();
    expect(out).toMatchObject({ ok: true, detail: { lastRun: null, lastSuccessAgeSeconds: null } });
    expect(out.samples).toEqual([{ name: 'idsync_source_last_success_age_seconds', labels: { source: 'hr' }, value: Infinity }]);
  });

  it('reports the last finished run and, when it failed, how long ago the last applied one was', async () => {
    const store = new MemoryStore();
    await store.commit({ runs: [run('r1', 'applied', '2026-06-01T09:00:00Z'), run('r2', 'failed', '2026-06-01T11:30:00Z')] });
    const out = await sourceRunCheck(store, 'hr', now).run();
    expect(out.ok).toBe(false);
    expect(out.detail).toMatchObject({ lastRun: { id: 'r2', outcome: 'failed', ageSeconds: 1800, reason: 'HR file missing' }, lastSuccessAgeSeconds: 10800 });
    expect(out.samples).toEqual(
      expect.arrayContaining([
        { name: 'idsync_source_last_success_age_seconds', labels: { source: 'hr' }, value: 10800 },
        { name: 'idsync_source_last_run_success', labels: { source: 'hr' }, value: 0 },
        { name: 'idsync_source_last_run_outcome', labels: { source: 'hr', outcome: 'failed' }, value: 1 },
      ]),
    );
  });
});
