// The Users and Groups endpoints, one set of handlers for both kinds: list with filter and
// paging, create, read, replace, patch and delete, with ETags checked on every write.
import { randomUUID } from 'node:crypto';
import type { Attributes } from '../../domain/types';
import type { ResourceKind, ScimBackend, StoredResource } from './backend';
import { invalidSyntax, invalidValue, notFound, ScimError } from './errors';
import { matches, parseFilter } from './filter';
import { indexedCandidates } from './lookup';
import { attributesOfGroup, GROUP_MULTI_VALUED, groupOf } from './groups';
import { applyPatch } from './patch';
import { listResponse, MAX_RESULTS } from './discovery';
import { CORE_GROUP, CORE_USER, ENTERPRISE_USER } from './paths';
import { attributesOfUser, MANAGER_REF, USER_MULTI_VALUED, USER_NAME, userOf } from './users';

type Json = Record<string, unknown>;

export interface ScimCall {
  backend: ScimBackend;
  /** https://host/scim/v2/<source> as the client addressed it */
  base: string;
  correlationId: string;
}

export interface ScimAnswer {
  status: number;
  body?: Json;
  etag?: string;
  location?: string;
}

interface KindRules {
  schema: string;
  plural: 'Users' | 'Groups';
  toAttributes(resource: Json): Attributes;
  toResource(r: StoredResource, call: ScimCall, opts: { members: boolean }): Json;
  multiValued: Set<string>;
  /** attribute that must be unique (case-insensitively) among live resources */
  unique: string;
  uniqueLabel: string;
}

const RULES: Record<ResourceKind, KindRules> = {
  User: {
    schema: CORE_USER,
    plural: 'Users',
    toAttributes: attributesOfUser,
    toResource: (r, call) => userOf(r.attributes, metaOf(r, call, 'Users')),
    multiValued: USER_MULTI_VALUED,
    unique: USER_NAME,
    uniqueLabel: 'userName',
  },
  Group: {
    schema: CORE_GROUP,
    plural: 'Groups',
    toAttributes: attributesOfGroup,
    toResource: (r, call, opts) => groupOf(r.attributes, metaOf(r, call, 'Groups'), { members: opts.members, userLocation: (id) => `${call.base}/Users/${id}` }),
    multiValued: GROUP_MULTI_VALUED,
    unique: 'displayName',
    uniqueLabel: 'displayName',
  },
};

export function etagOf(r: StoredResource): string {
  return `W/"${r.hash.slice(0, 20)}"`;
}

function metaOf(r: StoredResource, call: ScimCall, plural: string) {
  return { id: r.id, created: r.created, lastModified: r.lastModified, version: etagOf(r), location: `${call.base}/${plural}/${r.id}` };
}

export async function listResources(kind: ResourceKind, call: ScimCall, query: Record<string, unknown>): Promise<ScimAnswer> {
  const rules = RULES[kind];
  const filter = typeof query.filter === 'string' && query.filter.trim() ? parseFilter(query.filter) : null;
  const startIndex = Math.max(1, intParam(query, 'startIndex', 1));
  const count = Math.min(MAX_RESULTS, Math.max(0, intParam(query, 'count', MAX_RESULTS)));
  const members = !excludes(query, 'members');
  const candidates = filter ? await indexedCandidates(kind, filter, call.backend) : null;
  const stored = (candidates ?? (await call.backend.list(kind))).sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
  const all = stored.map((r) => rules.toResource(r, call, { members }));
  const hits = filter ? all.filter((res) => matches(filter, res)) : all;
  return { status: 200, body: listResponse(hits.slice(startIndex - 1, startIndex - 1 + count), hits.length, startIndex) };
}

export async function getResource(kind: ResourceKind, call: ScimCall, id: string, query: Record<string, unknown>): Promise<ScimAnswer> {
  const r = await call.backend.get(kind, id);
  if (!r) throw notFound(`${kind} ${id}`);
  return answer(200, RULES[kind].toResource(r, call, { members: !excludes(query, 'members') }), r, call, kind);
}

export async function createResource(kind: ResourceKind, call: ScimCall, body: unknown): Promise<ScimAnswer> {
  const rules = RULES[kind];
  const resource = resourceBody(body, rules.schema);
  const id = randomUUID();
  const attributes = await resolved(kind, call, rules.toAttributes(resource));
  await assertUnique(kind, call, attributes, id);
  await call.backend.write(kind, id, attributes, call.correlationId);
  return written(kind, call, id, 201);
}

export async function replaceResource(kind: ResourceKind, call: ScimCall, id: string, body: unknown, ifMatch: string | undefined): Promise<ScimAnswer> {
  const rules = RULES[kind];
  const current = await existing(kind, call, id, ifMatch);
  const resource = resourceBody(body, rules.schema);
  const attributes = await resolved(kind, call, rules.toAttributes(resource));
  await assertUnique(kind, call, attributes, id, current);
  if (!sameAttributes(current.attributes, attributes)) await call.backend.write(kind, id, attributes, call.correlationId);
  return written(kind, call, id, 200);
}

export async function patchResource(kind: ResourceKind, call: ScimCall, id: string, body: unknown, ifMatch: string | undefined): Promise<ScimAnswer> {
  const rules = RULES[kind];
  const current = await existing(kind, call, id, ifMatch);
  const before = rules.toResource(current, call, { members: true });
  const after = applyPatch(before, body, { multiValued: rules.multiValued, extensions: [ENTERPRISE_USER] });
  const attributes = await resolved(kind, call, rules.toAttributes(after));
  await assertUnique(kind, call, attributes, id, current);
  if (!sameAttributes(current.attributes, attributes)) await call.backend.write(kind, id, attributes, call.correlationId);
  return written(kind, call, id, 200);
}

export async function deleteResource(kind: ResourceKind, call: ScimCall, id: string, ifMatch: string | undefined): Promise<ScimAnswer> {
  await existing(kind, call, id, ifMatch);
  await call.backend.write(kind, id, null, call.correlationId);
  return { status: 204 };
}

async function existing(kind: ResourceKind, call: ScimCall, id: string, ifMatch: string | undefined): Promise<StoredResource> {
  const r = await call.backend.get(kind, id);
  if (!r) throw notFound(`${kind} ${id}`);
  if (ifMatch !== undefined && !etagMatches(ifMatch, r)) {
    throw new ScimError(412, `${kind} ${id} has changed: its version is ${etagOf(r)}, If-Match asked for ${ifMatch}`, 'invalidVers');
  }
  return r;
}

function etagMatches(header: string, r: StoredResource): boolean {
  const mine = etagOf(r).replace(/^W\//, '');
  return header.split(',').map((t) => t.trim()).some((t) => t === '*' || t.replace(/^W\//, '') === mine);
}

async function written(kind: ResourceKind, call: ScimCall, id: string, status: number): Promise<ScimAnswer> {
  const r = await call.backend.get(kind, id);
  if (!r) throw new Error(`${kind} ${id} was committed but cannot be read back`);
  return answer(status, RULES[kind].toResource(r, call, { members: true }), r, call, kind);
}

function answer(status: number, body: Json, r: StoredResource, call: ScimCall, kind: ResourceKind): ScimAnswer {
  return { status, body, etag: etagOf(r), location: `${call.base}/${RULES[kind].plural}/${r.id}` };
}

/** The manager's SCIM id becomes their employee id, the key idsync's manager attribute holds. */
async function resolved(kind: ResourceKind, call: ScimCall, attributes: Attributes): Promise<Attributes> {
  if (kind !== 'User' || !attributes[MANAGER_REF]) return attributes;
  const manager = await call.backend.get('User', attributes[MANAGER_REF]!);
  const employeeId = manager?.attributes.employeeId;
  return employeeId ? { ...attributes, manager: employeeId } : attributes;
}

/**
 * A write that keeps the resource's unique value cannot make a clash, so it is not checked: the
 * check reads every resource of the source, and a deactivation (which only sets `active`) must
 * neither pay for that nor be refused over a clash it does not create.
 */
async function assertUnique(kind: ResourceKind, call: ScimCall, attributes: Attributes, id: string, current?: StoredResource): Promise<void> {
  const rules = RULES[kind];
  const value = attributes[rules.unique]?.toLowerCase();
  if (!value || value === current?.attributes[rules.unique]?.toLowerCase()) return;
  const others = kind === 'User' ? await call.backend.find(kind, USER_NAME, value) : await call.backend.list(kind);
  const clash = others.find((r) => r.id !== id && r.attributes[rules.unique]?.toLowerCase() === value);
  if (clash) throw new ScimError(409, `${rules.uniqueLabel} "${attributes[rules.unique]}" is already used by ${kind} ${clash.id}`, 'uniqueness');
}

function resourceBody(body: unknown, schema: string): Json {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalidSyntax('the body must be a JSON object');
  const b = body as Json;
  if (!Array.isArray(b.schemas) || !b.schemas.some((s) => typeof s === 'string' && s.toLowerCase() === schema.toLowerCase())) {
    throw invalidSyntax(`schemas must include ${schema}`);
  }
  return b;
}

function sameAttributes(a: Attributes, b: Attributes): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if ((a[k] ?? null) !== (b[k] ?? null)) return false;
  return true;
}

function intParam(query: Record<string, unknown>, name: string, fallback: number): number {
  const v = query[name];
  if (v === undefined || v === '') return fallback;
  if (typeof v !== 'string' || !/^-?\d{1,9}$/.test(v)) throw invalidValue(`${name} must be an integer`);
  return Number(v);
}

function excludes(query: Record<string, unknown>, attribute: string): boolean {
  const v = query.excludedAttributes;
  return typeof v === 'string' && v.split(',').some((a) => a.trim().toLowerCase() === attribute);
}
