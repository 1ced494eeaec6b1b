export { SyncService, RunNotAllowableError, type SyncServiceDeps } from './sync-service';
export { silentLogger, type PersonChange, type RunReport, type ChangeAction } from './types';
