/**
 * The account a target should hold for one identity: computed by the engine, applied by a worker.
 * `attributes` use idsync's canonical names; each connector maps them to its own schema.
 */
export interface DesiredAccount {
  identityId: string;
  userName: string;
  active: boolean;
  attributes: Record<string, string | null>;
  /** group names (or roles, licences) inside the target */
  groups: string[];
}

/** The account as the target holds it now. */
export interface ActualAccount {
  externalId: string;
  userName: string;
  active: boolean;
  attributes: Record<string, string | null>;
  groups: string[];
}
