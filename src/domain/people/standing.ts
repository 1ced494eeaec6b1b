import type { LifecycleState } from '../types';

/**
 * A person as the directory serves them now, in the terms sign-in and console roles need: who they
 * are, the bind DN their password is checked against, every idsync group they are in (source and
 * entitlement groups, nesting included) and whether some active person names them as manager.
 */
export interface PersonStanding {
  identityId: string;
  username: string;
  displayName: string;
  state: LifecycleState;
  dn: string;
  groups: string[];
  managesActivePeople: boolean;
}
