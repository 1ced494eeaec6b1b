// Source registry: kind -> { schema, open }. Each kind owns src/connectors/sources/<kind>/ with its
// strict config schema (extending base-config.ts), its client and its connector; this file is the
// one place that lists the kinds, so `config check` validates every source with its own schema and
// the engine opens every source the same way.
import type { z } from 'zod';
import { systemClock, type Clock } from '../../ports/clock';
import type { SourceConnector } from '../../ports/source-connector';
import { csvSourceSchema, type CsvSourceConfig } from './csv/config';
import { CsvSource } from './csv/csv-source';
import { realTiming } from './csv/settle';
import { fakeSourceSchema, type FakeSourceConfig } from './fake/config';
import { FakeSource } from './fake/fake-source';
import { entraSourceSchema, type EntraSourceConfig } from './entra/config';
import { EntraSource } from './entra/connector';
import { googleSourceSchema, type GoogleSourceConfig } from './google/config';
import { GoogleSource } from './google/connector';
import { oktaSourceSchema, type OktaSourceConfig } from './okta/config';
import { OktaSource } from './okta/connector';
import { ldapSourceSchema, type LdapSourceConfig } from './ldap/config';
import { LdapSource } from './ldap/ldap-source';
import { joinAttributeIssues, withJoinAttributeIssues } from './join-attributes';
import { workdaySourceSchema, type WorkdaySourceConfig } from './workday/config';
import { WorkdaySource } from './workday/connector';
import { bamboohrSourceSchema, type BamboohrSourceConfig } from './bamboohr/config';
import { BamboohrSource } from './bamboohr/connector';
import { scimSourceSchema, type ScimSourceConfig } from './scim/config';
import { PushSource } from './scim/push-source';

export interface SourceLogger {
  debug?(obj: object, msg?: string): void;
  info?(obj: object, msg?: string): void;
  warn?(obj: object, msg?: string): void;
}

export interface SourceDeps {
  /** directory relative source paths resolve against (the config file's directory) */
  baseDir: string;
  log?: SourceLogger;
  /** what time-based waits and watermarks measure time with (default: the system clock) */
  clock?: Clock;
  /** how a source waits (settle time, rate limits); tests pass one that moves their clock instead */
  sleep?: (ms: number) => Promise<void>;
}

/** @deprecated name kept for callers written before the registry; same as SourceDeps */
export type OpenSourceOptions = SourceDeps;

export interface SourceKind<C = any> {
  schema: z.ZodType<C>;
  open(config: C, deps: SourceDeps): SourceConnector;
}

/** Every configured source, typed by kind; a new kind adds its config type here. */
export type SourceConfig = CsvSourceConfig | FakeSourceConfig | EntraSourceConfig | OktaSourceConfig | LdapSourceConfig | GoogleSourceConfig
  | WorkdaySourceConfig | BamboohrSourceConfig | ScimSourceConfig;

const kinds = new Map<string, SourceKind>([
  ['csv', { schema: csvSourceSchema, open: (c: CsvSourceConfig, deps) => new CsvSource(c, deps.baseDir, fileTiming(deps)) }],
  ['fake', { schema: fakeSourceSchema, open: (c: FakeSourceConfig) => new FakeSource(c) }],
  ['entra', { schema: entraSourceSchema, open: (c: EntraSourceConfig, deps) => new EntraSource(c, { clock: deps.clock ?? systemClock, log: deps.log, sleep: deps.sleep }) }],
  ['google', { schema: googleSourceSchema, open: (c: GoogleSourceConfig, deps) => new GoogleSource(c, deps) }],
  ['okta', { schema: oktaSourceSchema, open: (c: OktaSourceConfig, deps) => new OktaSource(c, deps) }],
  ['ldap', { schema: ldapSourceSchema, open: (c: LdapSourceConfig, deps) => new LdapSource(c, deps) }],
  ['workday', { schema: workdaySourceSchema, open: (c: WorkdaySourceConfig, deps) => new WorkdaySource(c, deps) }],
  ['bamboohr', { schema: bamboohrSourceSchema, open: (c: BamboohrSourceConfig, deps) => new BamboohrSource(c, deps) }],
  ['scim', { schema: scimSourceSchema, open: (c: ScimSourceConfig) => new PushSource(c) }],
]);

export function sourceKinds(): string[] {
  return [...kinds.keys()].sort();
}

export interface SourceConfigIssue {
  /** path inside the source's section, e.g. ['groups', 'include', 0] */
  path: PropertyKey[];
  message: string;
}

export type SourceValidation = { ok: true; config: SourceConfig } | { ok: false; issues: SourceConfigIssue[] };

/** Validates one source section with its kind's schema; every problem carries its path. */
export function validateSourceConfig(value: unknown): SourceValidation {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, issues: [{ path: [], message: 'must be a mapping (name, kind, ...)' }] };
  const rawKind = (value as { kind?: unknown }).kind;
  const kind = kinds.get(String(rawKind));
  if (!kind) {
    // same wording as the other sections with kinds (store, audit sinks)
    const what = rawKind === undefined ? 'is required' : 'unknown kind';
    return { ok: false, issues: [{ path: ['kind'], message: `${what}; known: ${sourceKinds().join(', ')}` }] };
  }
  const parsed = kind.schema.safeParse(value);
  const joinIssues = joinAttributeIssues(value as Record<string, unknown>);
  if (parsed.success && joinIssues.length === 0) return { ok: true, config: parsed.data as SourceConfig };
  const schemaIssues = parsed.success ? [] : parsed.error.issues.map((issue) => ({ path: issue.path, message: describeIssue(issue) }));
  return { ok: false, issues: withJoinAttributeIssues(schemaIssues, joinIssues) };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key(s): ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_type' && issue.message.includes('undefined')) return `is required (${issue.expected})`;
  return issue.message;
}

/** Validates (again: callers may build configs by hand) and opens one source. */
export function openSource(cfg: SourceConfig | { name: string; kind: string; [key: string]: unknown }, deps: SourceDeps): SourceConnector {
  const kind = kinds.get(cfg.kind);
  if (!kind) throw new Error(`source "${cfg.name}": unknown kind "${cfg.kind}" (known: ${sourceKinds().join(', ')})`);
  const checked = validateSourceConfig(cfg);
  if (!checked.ok) {
    const detail = checked.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`source "${cfg.name}" has an invalid configuration: ${detail}`);
  }
  return kind.open(checked.config, deps);
}

function fileTiming(deps: SourceDeps) {
  const timing = realTiming(deps.clock ?? systemClock);
  return deps.sleep ? { ...timing, sleep: deps.sleep } : timing;
}
