// The sync service's rules port; the types are the domain's own.
export type { AccessContext, AccessPolicy, IntentPlanner } from '../domain/access';
export { noTargetsPlanner } from '../domain/access';
