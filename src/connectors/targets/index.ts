// Target registry (dex connector style): kind -> { schema, open }. Each kind validates its own
// configuration, so `idsync config check` can list every problem with its path at once.
import type { z } from 'zod';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import type { TargetConnector } from '../../ports/target-connector';
import { withCallLog } from './call-log';
import { fakeTargetSchema, openFakeTarget } from './fake/fake-config';
import { targetSchema } from '../../config/sections/targets';
import { closestKey, knownKeysAt } from '../../config/schema-walk';
import { entraTargetSchema } from './entra/config';
import { EntraTargetConnector } from './entra/connector';
import { ldapTargetSchema } from './ldap/config';
import { LdapTargetConnector } from './ldap/connector';
import { oktaTargetSchema } from './okta/config';
import { OktaTargetConnector } from './okta/connector';
import { scimTargetSchema } from './scim/config';
import { ScimTargetConnector } from './scim/connector';
import { webhookTargetSchema } from './webhook/config';
import { WebhookTargetConnector } from './webhook/connector';

export interface TargetDeps {
  /** each call to the target is logged here at debug, with its duration */
  log?: Logger;
  clock?: Clock;
}

export interface TargetConfigInput {
  name: string;
  kind: string;
  [key: string]: unknown;
}

export interface TargetKind<C = any> {
  schema: z.ZodType<C>;
  open(config: C, deps: TargetDeps): TargetConnector;
}

const kinds = new Map<string, TargetKind>([
  ['scim', { schema: scimTargetSchema, open: (c) => new ScimTargetConnector(c) }],
  ['entra', { schema: entraTargetSchema, open: (c, deps) => new EntraTargetConnector(c, deps.clock) }],
  ['ldap', { schema: ldapTargetSchema, open: (c) => new LdapTargetConnector(c) }],
  ['okta', { schema: oktaTargetSchema, open: (c, deps) => new OktaTargetConnector(c, deps.clock) }],
  ['webhook', { schema: webhookTargetSchema, open: (c, deps) => new WebhookTargetConnector(c, deps.clock) }],
  // in-process target with fault injection, for tests, drills and trying idsync out
  ['fake', { schema: fakeTargetSchema, open: (c) => openFakeTarget(c) }],
]);

/** Lets an extension add a kind without editing this file. */
export function registerTargetKind<C>(kind: string, def: TargetKind<C>): void {
  kinds.set(kind, def as TargetKind);
}

export function targetKinds(): string[] {
  return [...kinds.keys()].sort();
}

/** Every problem of one target's configuration, each prefixed with its path (e.g. targets[2].url). */
export function validateTargetConfig(cfg: unknown, path: string): string[] {
  const c = cfg as Partial<TargetConfigInput> | null;
  if (!c || typeof c !== 'object') return [`${path}: must be an object`];
  const kind = kinds.get(String(c.kind));
  if (!kind) return [`${path}.kind: unknown target kind "${String(c.kind)}" (known: ${targetKinds().join(', ')})`];
  const unknown = unknownTargetKeys(c as Record<string, unknown>, kind.schema as z.ZodType).map((m) => `${path}.${m}`);
  const parsed = kind.schema.safeParse(cfg);
  if (parsed.success) return unknown;
  return [...unknown, ...parsed.error.issues.map((issue) => `${[path, ...issue.path.map(String)].join('.')}: ${issue.message}`)];
}

/**
 * A target's keys are the common ones (targetSchema) plus its kind's own; both schemas let the
 * other's keys through, so a misspelt key is caught here, against their union.
 */
function unknownTargetKeys(cfg: Record<string, unknown>, kindSchema: z.ZodType): string[] {
  const known = [...new Set([...knownKeysAt(targetSchema, [], cfg), ...knownKeysAt(kindSchema, [], cfg)])];
  return Object.keys(cfg)
    .filter((k) => !known.includes(k))
    .map((k) => {
      const near = closestKey(k, known);
      return `${k}: unknown key "${k}"${near ? ` (did you mean "${near}"?)` : ''}`;
    });
}

/** Validates and opens one target; throws an Error listing every configuration problem. */
export function openTarget(cfg: TargetConfigInput, deps: TargetDeps = {}): TargetConnector {
  const path = `targets.${cfg.name ?? '?'}`;
  const problems = validateTargetConfig(cfg, path);
  if (problems.length) throw new Error(`invalid target configuration:\n  ${problems.join('\n  ')}`);
  const kind = kinds.get(cfg.kind)!;
  const connector = kind.open(kind.schema.parse(cfg), deps);
  return deps.log ? withCallLog(connector, deps.log.child({ target: cfg.name })) : connector;
}
