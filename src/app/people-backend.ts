// The helpdesk pages' backend over the daemon's parts: the people index (built from the store and
// kept current from its change feed), the person page read from the store, and resyncs run by the
// provisioning service's resync in the background.
import type { IdentityStore } from '../ports/identity-store';
import type { ChangeNotifications } from '../ports/change-notifications';
import type { Logger } from '../ports/logger';
import type { PeopleBackend } from '../console/people/backend';
import { PeopleIndex } from '../services/helpdesk/people-index';
import { auditPage, personView } from '../services/helpdesk/person-page';
import { ResyncJobs, type ResyncRunner } from '../services/helpdesk/resync-jobs';
import { resyncUser } from '../services/provisioning/resync';
import type { ConsoleDaemon } from './console';

export interface PeopleBackendDeps {
  store: IdentityStore;
  /** other instances' commits; without it the index follows in-process commits and its poll */
  changes?: Pick<ChangeNotifications, 'subscribe'>;
  log?: Logger;
  targetNames(): string[];
  /** resyncUser over the daemon's store, sync, sources and provisioning */
  resync: ResyncRunner;
}

export interface PeopleBackendPart {
  backend: PeopleBackend;
  index: PeopleIndex;
  close(): Promise<void>;
}

export function buildPeopleBackend(d: PeopleBackendDeps): PeopleBackendPart {
  const index = new PeopleIndex(d.store, { changes: d.changes, log: d.log });
  // built now, so the first keystroke does not wait for the listing of everyone
  index.start().catch((err: Error) => d.log?.error({ err: err.message }, 'people search index could not be built'));
  const jobs = new ResyncJobs(d.resync);
  const backend: PeopleBackend = {
    search: (q) => index.search(q),
    person: (username) => personView(d.store, d.targetNames(), username),
    audit: (username, page) => auditPage(d.store, username, page),
    targets: () => d.targetNames(),
    startResync: (req) => jobs.start(req),
    resyncJob: (id) => jobs.get(id),
  };
  return { backend, index, close: () => index.close() };
}

/** The helpdesk backend of the daemon: its store and change feed, its engine's sources, its provisioning. */
export function daemonPeopleBackend(d: ConsoleDaemon): PeopleBackend {
  const { store, changes, log, closer } = d.parts;
  const service = d.provisioning.service;
  const deps = { store, sync: d.engine.sync, sources: [...d.engine.sources.values()], provisioning: service, clock: d.clock };
  const part = buildPeopleBackend({
    store,
    changes,
    log: log.child({ component: 'people-search' }),
    targetNames: () => service.targetNames(),
    resync: (req, progress) => resyncUser(deps, req, progress),
  });
  closer.add('people search index', () => part.close());
  return part.backend;
}
