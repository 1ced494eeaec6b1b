// The live directory view: built from the store at start, then kept current from the change feed.
// In-process commits arrive through reader.onChange, other instances' commits through the change
// notifications (src/change-feed), and a 1 s poll of changesSince catches anything either missed. Every refresh builds a new snapshot
// beside the old one and swaps it in whole; a refresh that fails keeps the last good snapshot.
import { changesAfter, type DirectoryReader } from '../../ports/identity-store';
import { silentLogger, type Logger } from '../../ports/logger';
import type { ChangeNotifications } from '../../ports/change-notifications';
import type { DirectorySnapshot, DirectoryView } from '../contract';
import type { ViewOptions } from './records';
import { buildSnapshot, Snapshot } from './snapshot';

export interface StoreDirectoryViewOptions extends ViewOptions {
  /** commits of other instances; without it, only in-process commits and the poll */
  changes?: Pick<ChangeNotifications, 'subscribe'>;
  log?: Logger;
  /** how long to gather a burst of changes before applying them (default 5 ms) */
  coalesceMs?: number;
  /** safety-net poll of the change feed (default 1000 ms) */
  pollMs?: number;
  /** more changed identities than this in one refresh rebuilds from scratch (default 5,000) */
  fullRebuildAbove?: number;
}

export class StoreDirectoryView implements DirectoryView {
  private snapshot: Snapshot | null = null;
  private lastSeq = 0;
  private readonly listeners = new Set<(s: DirectorySnapshot) => void>();
  private readonly log: Logger;
  private timer: NodeJS.Timeout | null = null;
  private poller: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private unsubscribe: (() => void) | null = null;
  private unsubscribeRemote: (() => void) | null = null;

  constructor(
    private readonly reader: DirectoryReader,
    private readonly opts: StoreDirectoryViewOptions,
  ) {
    this.log = opts.log ?? silentLogger;
  }

  current(): DirectorySnapshot {
    if (!this.snapshot) throw new Error('directory view not started: call start() first');
    return this.snapshot;
  }

  /** the change-feed sequence the current snapshot includes */
  get seq(): number {
    return this.lastSeq;
  }

  async start(): Promise<void> {
    this.unsubscribe = this.reader.onChange(() => this.schedule());
    await this.rebuild(1);
    this.unsubscribeRemote = this.opts.changes?.subscribe((seq) => {
      if (seq > this.lastSeq) this.schedule();
    }) ?? null;
    this.poller = setInterval(() => this.schedule(), this.opts.pollMs ?? 1000);
    this.poller.unref();
    // Commits that landed while the first build ran were announced before there was a snapshot.
    this.schedule();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.poller) clearInterval(this.poller);
    this.unsubscribe?.();
    this.unsubscribeRemote?.();
    await this.running;
    this.listeners.clear();
  }

  onSwap(listener: (snapshot: DirectorySnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Applies every committed change now (tests and tools; the view does this by itself). */
  async refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.refreshLoop().finally(() => (this.running = null));
    return this.running;
  }

  /** Coalesces a burst of notifications into one refresh a few ms later. */
  private schedule(): void {
    if (this.closed || this.timer || !this.snapshot) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.refresh();
    }, this.opts.coalesceMs ?? 5);
  }

  private async refreshLoop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.applyPending();
      } catch (err) {
        this.log.error({ err: String(err), seq: this.lastSeq }, 'ldap view refresh failed; keeping the last good snapshot');
        return;
      }
    } while (this.again && !this.closed);
  }

  private async applyPending(): Promise<void> {
    const events = await changesAfter(this.reader, this.lastSeq);
    if (events.length === 0 || this.closed) return;
    const upTo = events.at(-1)!.seq;
    const ids = new Set(events.flatMap((e) => e.identityIds));
    const groupsChanged = events.some((e) => e.groupNames.length > 0);
    if (groupsChanged || ids.size > (this.opts.fullRebuildAbove ?? 5000)) {
      await this.rebuild(this.snapshot!.version + 1);
      return;
    }
    const started = process.hrtime.bigint();
    const identities = await this.reader.getIdentities([...ids]);
    const found = new Set(identities.map((i) => i.id));
    const removed = [...ids].filter((id) => !found.has(id));
    const next = this.snapshot!.withIdentityChanges(identities, removed, this.snapshot!.version + 1);
    this.swap(next, upTo);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    this.log.info({ seq: upTo, identities: ids.size, ms: Math.round(ms * 100) / 100 }, 'ldap view updated');
  }

  private async rebuild(version: number): Promise<void> {
    const started = Date.now();
    // The feed position is read first: a commit racing the listing is then applied again, harmlessly.
    const seq = await this.reader.latestChangeSeq();
    const [identities, groups] = await Promise.all([this.reader.listIdentities(), this.reader.listGroups()]);
    const next = buildSnapshot(identities, groups, this.opts, version) as Snapshot;
    this.swap(next, seq);
    this.log.info({ seq, entries: next.entryCount, ms: Date.now() - started }, 'ldap view built');
  }

  private swap(next: Snapshot, seq: number): void {
    this.snapshot = next;
    this.lastSeq = seq;
    for (const l of this.listeners) {
      try {
        l(next);
      } catch (err) {
        this.log.warn({ err: String(err) }, 'ldap view swap listener failed');
      }
    }
  }
}
