// Event hooks of the polled sources (`hook:` on okta, entra, bamboohr): the /hooks route family
// over the sync engine, and the Graph subscriptions kept for entra sources. A hook names people;
// each is read again with the source's readOne and the result committed like a pushed change
// (same source lock): a person the vendor no longer has is removed.
import type { SourceConfig } from '../config/sections/sources';
import type { IdentityStore } from '../ports/identity-store';
import type { Logger } from '../ports/logger';
import type { RawRecord } from '../ports/source-connector';
import { systemClock } from '../ports/clock';
import { readSecret } from '../connectors/sources/secret';
import { graphSubscriptionApi } from '../connectors/sources/entra/subscriptions';
import { hookRoutes, type HookBackend } from '../inbound/hooks/routes';
import type { HookEndpoint } from '../inbound/hooks/request';
import { oktaHook, REPLAY_WINDOW_MS } from '../inbound/hooks/okta';
import { graphHook } from '../inbound/hooks/graph';
import { bamboohrHook } from '../inbound/hooks/bamboohr';
import { seenSet } from '../inbound/hooks/seen';
import type { RouteFamily, InboundLog } from '../inbound/server';
import { runKeepers, subscriptionKeeper, type SubscriptionKeeper } from './graph-subscriptions';
import type { Engine } from './engine';
import type { ViewBarrier } from './inbound';

/** delivery ids remembered: far more than the vendors send in the replay window */
const SEEN_MAX = 100_000;
/** people of one delivery read at once from the vendor */
const READ_CONCURRENCY = 8;

export function hookSources(sources: SourceConfig[]): SourceConfig[] {
  return sources.filter((s) => 'hook' in s && s.hook !== undefined);
}

export function hookFamily(o: { engine: Engine; store: IdentityStore; viewBarrier: ViewBarrier | null; baseDir: string; log: InboundLog; onAccepted(source: string, change: string): void }): RouteFamily {
  const now = () => systemClock.now().getTime();
  const seen = seenSet({ maxEntries: SEEN_MAX, ttlMs: 2 * REPLAY_WINDOW_MS, now });
  const endpoints = new Map<string, HookEndpoint>();
  for (const s of hookSources([...o.engine.sources.values()].map((e) => e.cfg))) endpoints.set(s.name, endpointOf(s, o.baseDir, seen, now));
  return hookRoutes(endpoints, { backend: rereadBackend(o.engine, o.store, o.viewBarrier), seen, log: o.log, onAccepted: o.onAccepted });
}

function endpointOf(s: SourceConfig, baseDir: string, seen: ReturnType<typeof seenSet>, now: () => number): HookEndpoint {
  const need = (v: string | undefined, key: string) => {
    if (!v) throw new Error(`sources: "${s.name}".hook has no ${key} (or ${key}File)`);
    return v;
  };
  if (s.kind === 'okta' && s.hook) return oktaHook({ header: s.hook.header, secret: need(readSecret(s.hook.secret, s.hook.secretFile, baseDir), 'secret') }, seen, now);
  if (s.kind === 'entra' && s.hook) return graphHook({ clientState: need(readSecret(s.hook.clientState, s.hook.clientStateFile, baseDir), 'clientState') });
  if (s.kind === 'bamboohr' && s.hook) return bamboohrHook({ privateKey: need(readSecret(s.hook.privateKey, s.hook.privateKeyFile, baseDir), 'privateKey') }, seen, now);
  throw new Error(`sources: "${s.name}" (kind ${s.kind}) takes no hook`);
}

function rereadBackend(engine: Engine, store: IdentityStore, viewBarrier: ViewBarrier | null): HookBackend {
  return {
    async reread(source, ids, correlationId) {
      const connector = engine.sources.get(source)?.connector;
      if (!connector?.readOne) throw new Error(`source ${source} cannot read one person`);
      const records: RawRecord[] = [];
      const removed: string[] = [];
      for (let i = 0; i < ids.length; i += READ_CONCURRENCY) {
        const batch = ids.slice(i, i + READ_CONCURRENCY);
        const read = await Promise.all(batch.map((id) => connector.readOne!(id)));
        read.forEach((r, j) => (r ? records.push(r) : removed.push(batch[j])));
      }
      const report = await engine.applyPushed(source, { records, removed }, { actor: { kind: 'source-run', id: correlationId, source }, correlationId });
      if (report.status === 'failed') throw new Error(`the change was not committed: ${report.reason}`);
      if (viewBarrier) await viewBarrier(await store.latestChangeSeq());
    },
  };
}

/** Starts keeping a Graph subscription for every entra source with a hook; returns the stop function. */
export function startGraphSubscriptions(sources: SourceConfig[], baseDir: string, log: Logger): () => void {
  const keepers = new Map<string, SubscriptionKeeper>();
  for (const s of sources) {
    if (s.kind !== 'entra' || !s.hook) continue;
    const clientState = readSecret(s.hook.clientState, s.hook.clientStateFile, baseDir) ?? '';
    keepers.set(s.name, subscriptionKeeper({ api: graphSubscriptionApi(s, systemClock), clock: systemClock, notificationUrl: s.hook.publicUrl, clientState }));
  }
  return keepers.size ? runKeepers(keepers, log) : () => undefined;
}
