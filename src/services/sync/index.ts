export { SyncService, RunNotAllowableError, type SyncServiceDeps } from './sync-service';
export { silentLogger, type PersonChange, type RunReport, type SyncLogger, type ChangeAction } from './types';
