// Moves outbox intents into the target queues. Reacts to each store commit at once (terminations
// must not wait for a poll) and sweeps periodically for intents that were never delivered or whose
// jobs Redis lost. Removals pass the per-target threshold first.
import type { Intent } from '../../domain/types';
import type { ChangeQueue } from '../../ports/change-queue';
import type { IdentityStore } from '../../ports/identity-store';
import type { Clock } from '../../ports/clock';
import { PRIORITY_REVOKE } from '../../domain/provisioning/planner';
import { removalVerdict, type RemovalThreshold } from '../../domain/provisioning/thresholds';
import { holdIntents, isAllowed, openHold } from './holds';

/** A helpdesk resync is a person asking for this change now: it is not held by the threshold. */
export const RESYNC_REASON = 'helpdesk.resync';

const SEND_PARALLELISM = 64;

export interface DispatchTarget {
  name: string;
  thresholds: RemovalThreshold & { windowMs: number };
}

export interface DispatcherDeps {
  store: IdentityStore;
  queue: ChangeQueue;
  targets: DispatchTarget[];
  clock: Clock;
  onError?(err: unknown): void;
}

export class Dispatcher {
  private chain: Promise<unknown> = Promise.resolve();
  /** when removals were dispatched, per target, within the threshold window */
  private removals = new Map<string, Map<string, number>>();
  private targets: Map<string, DispatchTarget>;

  constructor(private deps: DispatcherDeps) {
    this.targets = new Map(deps.targets.map((t) => [t.name, t]));
  }

  /** Dispatches the pending intents of these identities (after a commit that touched them). */
  dispatchIdentities(identityIds: string[]): Promise<number> {
    return this.serial(async () => {
      const lists = await Promise.all(identityIds.map((id) => this.deps.store.listIntents({ identityId: id, status: ['pending'] })));
      return this.dispatch(lists.flat());
    });
  }

  /** The outbox reconciler: every pending intent untouched for `staleAfterMs` is enqueued again. */
  sweep(staleAfterMs: number): Promise<number> {
    return this.serial(async () => {
      // 0 means every pending intent, including one written this very millisecond
      const before = staleAfterMs > 0 ? new Date(this.deps.clock.now().getTime() - staleAfterMs).toISOString() : undefined;
      return this.dispatch(await this.deps.store.listIntents({ status: ['pending'], updatedBefore: before }));
    });
  }

  private async dispatch(intents: Intent[]): Promise<number> {
    const groups = [...groupBy(intents.filter((i) => this.targets.has(i.target)), (i) => i.target)];
    // targets are independent queues: send to all of them at once
    const counts = await Promise.all(
      groups.map(async ([target, list]) => {
        const passed = await this.gate(this.targets.get(target)!, list);
        // terminations first: every revocation is in the queue before the rest of the batch is sent
        await this.send(target, passed.filter((i) => i.priority === PRIORITY_REVOKE));
        await this.send(target, passed.filter((i) => i.priority !== PRIORITY_REVOKE));
        return passed.length;
      }),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  /** Enqueues in parallel chunks: one Redis round trip per job in series would delay a mass termination. */
  private async send(target: string, intents: Intent[]): Promise<void> {
    for (let at = 0; at < intents.length; at += SEND_PARALLELISM) {
      await Promise.all(
        intents.slice(at, at + SEND_PARALLELISM).map((i) =>
          this.deps.queue.enqueue({ target, identityId: i.identityId, priority: i.priority, correlationId: i.correlationId, intentId: i.id }),
        ),
      );
    }
  }

  /** Holds removals beyond the threshold; returns the intents that may go. */
  private async gate(target: DispatchTarget, intents: Intent[]): Promise<Intent[]> {
    const now = this.deps.clock.now().getTime();
    const window = new Map([...(this.removals.get(target.name) ?? new Map<string, number>())].filter(([, at]) => at > now - target.thresholds.windowMs));
    this.removals.set(target.name, window);
    // an intent already counted (re-sent by a sweep) passes without counting twice
    const fresh = intents.filter((i) => i.priority === PRIORITY_REVOKE && i.reason !== RESYNC_REASON && !isAllowed(i) && !window.has(i.id));
    if (!fresh.length) return intents;
    const population = (await this.deps.store.listTargetAccounts(target.name)).filter((a) => a.status !== 'deleted').length;
    const verdict = removalVerdict(target.name, window.size + fresh.length, population, target.thresholds);
    const openRun = await openHold(this.deps.store, target.name);
    if (verdict.hold || openRun) {
      const reason = verdict.reason ?? openRun?.reason ?? 'a held batch of this target is waiting';
      await holdIntents(this.deps.store, target.name, fresh, reason, new Date(now).toISOString());
      const heldIds = new Set(fresh.map((i) => i.id));
      return intents.filter((i) => !heldIds.has(i.id));
    }
    for (const i of fresh) window.set(i.id, now);
    return intents;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch((err) => this.deps.onError?.(err));
    return run;
  }
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) out.set(key(it), [...(out.get(key(it)) ?? []), it]);
  return out;
}
