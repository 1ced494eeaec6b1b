// Starts the vendor-facing inbound listener when the configuration has an `inbound:` section:
// inbound SCIM for every `kind: scim` source. A pushed write commits through the sync engine under
// the source's lock and is answered only once the LDAP view (when this instance serves one) has it.
import type { Attributes } from '../domain/types';
import { contentHash } from '../domain/canonical';
import type { IdentityStore } from '../ports/identity-store';
import { inboundSchema } from '../inbound/config';
import { startInboundServer, type InboundServer } from '../inbound/server';
import { scimRoutes, type ScimSource } from '../inbound/scim/routes';
import { RejectedRecordError, type ResourceKind, type ScimBackend, type StoredResource } from '../inbound/scim/backend';
import { ScimError } from '../inbound/scim/errors';
import { InboundMetrics } from '../observability/inbound-metrics';
import { SourceBusyError, type Engine } from './engine';
import type { DaemonParts } from './parts';
import { hookFamily, hookSources, startGraphSubscriptions } from './hooks';

export interface InboundPart {
  address: string;
  metrics: InboundMetrics;
  reloadTls(): Promise<void>;
}

/** Resolves once this process's LDAP view includes the change-feed sequence (or after a bounded wait). */
export type ViewBarrier = (seq: number) => Promise<void>;

export async function startInbound(deps: DaemonParts, engine: Engine, viewBarrier: ViewBarrier | null): Promise<InboundPart | null> {
  const { config } = deps.loaded;
  const hooked = hookSources(config.sources);
  if (!config.inbound) {
    if (hooked.length) throw new Error(`sources: "${hooked[0].name}" has a hook, which needs the inbound: listener`);
    return null;
  }
  const cfg = inboundSchema.parse(config.inbound);
  const log = deps.log.child({ component: 'inbound' });
  const metrics = new InboundMetrics();
  const scim = new Map<string, ScimSource>();
  for (const s of config.sources) {
    if (s.kind !== 'scim') continue;
    if (!s.token) throw new Error(`sources: "${s.name}" has no token (tokenFile is read by the config loader)`);
    scim.set(s.name, { token: s.token, backend: scimBackend(s.name, deps.store, engine, viewBarrier) });
  }
  const accepted = (source: string, change: string) => metrics.accepted(source, change);
  const hooks = hookFamily({ engine, store: deps.store, viewBarrier, baseDir: deps.loaded.baseDir, log, onAccepted: accepted });
  const server: InboundServer = await startInboundServer(cfg, [scimRoutes(scim, accepted), hooks], { log, metrics });
  deps.closer.add('inbound listener', () => server.close());
  // after the listener: Graph calls the notificationUrl back before it creates a subscription
  const stopSubscriptions = startGraphSubscriptions(hooked, deps.loaded.baseDir, log);
  deps.closer.add('Graph subscriptions', async () => stopSubscriptions());
  deps.health.addMetrics(() => metrics.text());
  log.info({ address: server.address, scimSources: [...scim.keys()], hookSources: hooked.map((s) => s.name) }, 'inbound SCIM and event hooks served');
  return { address: server.address, metrics, reloadTls: () => server.reloadTls() };
}

/** Groups are kept as records of a companion source name no configured source can have (":" is not allowed in names). */
export function groupRecordSource(source: string): string {
  return `${source}:groups`;
}

function scimBackend(source: string, store: IdentityStore, engine: Engine, viewBarrier: ViewBarrier | null): ScimBackend {
  const recordSource = (kind: ResourceKind) => (kind === 'User' ? source : groupRecordSource(source));
  const toStored = (r: { externalId: string; attributes: Attributes; hash: string; firstSeenAt: string; lastSeenAt: string }): StoredResource => ({
    id: r.externalId, attributes: r.attributes, hash: r.hash, created: r.firstSeenAt, lastModified: r.lastSeenAt,
  });
  return {
    async list(kind) {
      return (await store.listSourceRecords(recordSource(kind))).filter((r) => !r.gone).map(toStored);
    },
    async get(kind, id) {
      const r = await store.getSourceRecord(recordSource(kind), id);
      return r && !r.gone ? toStored(r) : null;
    },
    async write(kind, id, attributes, correlationId) {
      if (kind === 'Group') return writeGroup(store, recordSource(kind), id, attributes, correlationId);
      const delta = attributes ? { records: [{ externalId: id, attributes, location: `SCIM User ${id}` }], removed: [] } : { records: [], removed: [id] };
      let report;
      try {
        report = await engine.applyPushed(source, delta, { actor: { kind: 'source-run', id: correlationId, source }, correlationId });
      } catch (err) {
        if (err instanceof SourceBusyError) throw new ScimError(503, `${err.message}; retry shortly`);
        throw err;
      }
      if (report.status === 'failed') throw new Error(`the change was not committed: ${report.reason}`);
      if (report.problems.length) throw new RejectedRecordError(report.problems.map((p) => p.message).join('; '));
      if (viewBarrier) await viewBarrier(await store.latestChangeSeq());
    },
  };
}

async function writeGroup(store: IdentityStore, recordSource: string, id: string, attributes: Attributes | null, correlationId: string): Promise<void> {
  const now = new Date().toISOString();
  const before = await store.getSourceRecord(recordSource, id);
  const kept = attributes ?? before?.attributes ?? {};
  const record = {
    source: recordSource, externalId: id, attributes: kept, hash: contentHash(kept), identityId: null,
    firstSeenAt: before && !before.gone ? before.firstSeenAt : now, lastSeenAt: now, lastSeenRunId: correlationId, gone: attributes === null,
  };
  const action = attributes === null ? 'scim.group.delete' : before && !before.gone ? 'scim.group.update' : 'scim.group.create';
  await store.commit({
    sourceRecords: [record],
    audit: [{
      time: now, actor: { kind: 'system', id: recordSource }, action, subject: { kind: 'scim-group', id },
      before: before && !before.gone ? before.attributes : null, after: attributes, correlationId,
    }],
  });
}
