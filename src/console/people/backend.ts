// What the helpdesk pages need from the daemon, and nothing more: the composition root
// (src/app/console.ts) builds it over the store, the search index and the resync service.
import type { PersonHit } from '../../domain/people/search';
import type { AuditPage, PersonView } from '../../services/helpdesk/person-page';
import type { ResyncJobRequest, ResyncJobView } from '../../services/helpdesk/resync-jobs';

export type { PersonHit, AuditPage, PersonView, ResyncJobRequest, ResyncJobView };

export interface PeopleBackend {
  /** at most 20 people, best match first */
  search(query: string): Promise<PersonHit[]>;
  person(username: string): Promise<PersonView | null>;
  /** page 1 is the newest 25 records */
  audit(username: string, page: number): Promise<AuditPage | null>;
  /** the configured targets, for the resync target selector */
  targets(): string[];
  /** starts a preview or a resync in the background; `resyncJob(id)` follows it */
  startResync(req: ResyncJobRequest): ResyncJobView;
  resyncJob(id: string): ResyncJobView | null;
}
