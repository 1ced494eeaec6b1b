// What the daemon's composition root hands to each part it starts.
import type { LoadedConfig } from '../config/loader';
import type { ChangeNotifications } from '../ports/change-notifications';
import type { IdentityStore } from '../ports/identity-store';
import type { Logger } from '../ports/logger';
import type { RedisHandle } from '../redis/connection';
import type { Closer } from './closer';
import type { Readiness } from '../observability/readiness';

export interface DaemonParts {
  loaded: LoadedConfig;
  store: IdentityStore;
  redis: RedisHandle;
  log: Logger;
  closer: Closer;
  /** commits of every instance, one subscription per process */
  changes: ChangeNotifications;
  /** readiness checks the admin API reports; components add theirs as they start */
  health: Readiness;
}
