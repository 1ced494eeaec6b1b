import { randomUUID } from 'node:crypto';
import type { Identity, SyncRun } from '../../src/domain/types';
import { opsBackend } from '../../src/app/console-ops';
import { HeldRunSummaries } from '../../src/app/held-run-summaries';
import { MemoryStore } from '../../src/storage/memory/memory-store';
import { silentLogger } from '../../src/ports/logger';
import type { HeldRunSummary } from '../../src/services/sync/run-summary';

const counts = { seen: 3, created: 0, updated: 0, unchanged: 0, terminated: 3, suspended: 0, reactivated: 0, disputed: 0, errors: 0, writes: 0 };

function heldRun(): SyncRun {
  return { id: randomUUID(), source: 'hr', status: 'held', startedAt: new Date().toISOString(), finishedAt: null, counts, reason: 'too many terminations', watermark: null, staged: [] };
}

function someone(username: string): Identity {
  const now = new Date().toISOString();
  return { id: randomUUID(), revision: 0, username, uidNumber: 20000 + username.length, employeeId: null, state: 'active', stateChangedAt: now, attributes: { mail: null }, provenance: {}, links: [], createdAt: now, updatedAt: now } as unknown as Identity;
}

describe('held run summaries on the runs page', () => {
  async function setUp() {
    const store = new MemoryStore();
    const runs = [heldRun(), heldRun()];
    await store.commit({ runs });
    const planned: string[] = [];
    const sync = {
      async previewHeldRun(runId: string) {
        planned.push(runId);
        return { changes: [] };
      },
    };
    const backend = opsBackend({ store, engine: { sync, sources: new Map() } as never, provisioning: null, clock: { now: () => new Date() } as never, log: silentLogger });
    return { store, runs, planned, backend };
  }

  it('plans each held run once across page loads, and again after a commit', async () => {
    const { store, runs, planned, backend } = await setUp();
    const first = await backend.heldRuns();
    expect(planned.sort()).toEqual(runs.map((r) => r.id).sort());
    const second = await backend.heldRuns();
    expect(planned).toHaveLength(2);
    expect(second.map((v) => v.summary)).toEqual(first.map((v) => v.summary));
    await store.commit({ identities: [{ identity: someone('newcomer'), expectedRevision: null }] });
    await backend.heldRuns();
    expect(planned).toHaveLength(4);
  });

  it('remembers at most the configured number of runs, dropping the least recently used', async () => {
    const cache = new HeldRunSummaries(2);
    const plans: string[] = [];
    const plan = (id: string) => async () => {
      plans.push(id);
      return { id } as unknown as HeldRunSummary;
    };
    await cache.get('a', 1, plan('a'));
    await cache.get('b', 1, plan('b'));
    await cache.get('a', 1, plan('a'));
    await cache.get('c', 1, plan('c'));
    expect(cache.size).toBe(2);
    await cache.get('a', 1, plan('a'));
    await cache.get('b', 1, plan('b'));
    expect(plans).toEqual(['a', 'b', 'c', 'b']);
  });

  it('does not remember a failed plan', async () => {
    const cache = new HeldRunSummaries();
    await expect(cache.get('a', 1, async () => Promise.reject(new Error('source gone')))).rejects.toThrow('source gone');
    expect(cache.size).toBe(0);
  });
});
