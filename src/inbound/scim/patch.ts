// SCIM PATCH (RFC 7644 §3.5.2) over a resource's JSON, accepting what the big clients send:
// Entra's capitalised ops (Replace, Add, Remove) and its `members` removal with a value list,
// value-filtered paths (`members[value eq "..."]`, `emails[type eq "work"].value`), and
// path-less ops whose keys are themselves paths ("name.givenName", "urn:...:User:department").
import { invalidPath, invalidSyntax, invalidValue, ScimError } from './errors';
import { matches, parseFilter, type Filter } from './filter';
import { containerOf, keyOf, parseAttrPath, type AttrPath } from './paths';

export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const MAX_OPERATIONS = 1000;

type Op = 'add' | 'remove' | 'replace';
type Json = Record<string, unknown>;

interface PatchTarget {
  path: AttrPath;
  filter?: Filter;
  /** the sub-attribute after a value filter: `emails[type eq "work"].value` */
  filterSub?: string;
  text: string;
}

export interface PatchOptions {
  /** attribute names (lower case) whose values are lists */
  multiValued: Set<string>;
  /** extension schema URNs a path-less op may carry as an object */
  extensions: string[];
}

/** Applies every operation to a copy of `resource`; throws a ScimError naming the first bad one. */
export function applyPatch(resource: Json, body: unknown, opts: PatchOptions): Json {
  const operations = operationsOf(body);
  const out = structuredClone(resource);
  operations.forEach((raw, i) => {
    try {
      applyOne(out, raw, opts);
    } catch (err) {
      if (err instanceof ScimError) throw new ScimError(err.status, `Operations[${i}]: ${err.message}`, err.scimType);
      throw err;
    }
  });
  return out;
}

function operationsOf(body: unknown): Json[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalidSyntax('the PATCH body must be a PatchOp object');
  const b = body as Json;
  const schemas = b.schemas;
  if (!Array.isArray(schemas) || !schemas.includes(PATCH_SCHEMA)) throw invalidSyntax(`schemas must include ${PATCH_SCHEMA}`);
  const ops = b[keyOf(b, 'Operations')];
  if (!Array.isArray(ops) || ops.length === 0) throw invalidSyntax('Operations must be a non-empty list');
  if (ops.length > MAX_OPERATIONS) throw new ScimError(400, `more than ${MAX_OPERATIONS} operations in one PATCH`, 'tooMany');
  return ops.map((o, i) => {
    if (!o || typeof o !== 'object' || Array.isArray(o)) throw invalidSyntax(`Operations[${i}] must be an object`);
    return o as Json;
  });
}

function applyOne(resource: Json, raw: Json, opts: PatchOptions): void {
  const opText = raw[keyOf(raw, 'op')];
  const op = typeof opText === 'string' ? opText.toLowerCase() : '';
  if (op !== 'add' && op !== 'remove' && op !== 'replace') throw invalidSyntax(`op "${String(opText)}" is not add, remove or replace`);
  const pathText = raw[keyOf(raw, 'path')];
  const hasValue = keyOf(raw, 'value') in raw;
  const value = raw[keyOf(raw, 'value')];
  if (pathText === undefined || pathText === null || pathText === '') {
    if (op === 'remove') throw new ScimError(400, 'remove needs a path', 'noTarget');
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalidValue(`${op} without a path needs an object value`);
    applyObject(resource, op, value as Json, opts);
    return;
  }
  if (typeof pathText !== 'string') throw invalidPath('path must be a string');
  if (op !== 'remove' && !hasValue) throw invalidValue(`${op} needs a value`);
  applyAt(resource, op, parseTarget(pathText), value, opts);
}

/** Path-less add/replace: each key is an attribute, a path, or an extension's object. */
function applyObject(resource: Json, op: Op, value: Json, opts: PatchOptions): void {
  for (const [key, v] of Object.entries(value)) {
    const extension = opts.extensions.find((e) => e.toLowerCase() === key.toLowerCase());
    if (extension && v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [sub, sv] of Object.entries(v as Json)) applyAt(resource, op, parseTarget(`${extension}:${sub}`), sv, opts);
    } else {
      applyAt(resource, op, parseTarget(key), v, opts);
    }
  }
}

function parseTarget(text: string): PatchTarget {
  const open = text.indexOf('[');
  if (open < 0) {
    const path = parseAttrPath(text);
    if (!path) throw invalidPath(`"${text}" is not an attribute path`);
    return { path, text };
  }
  const close = text.lastIndexOf(']');
  const after = text.slice(close + 1);
  if (close < open || (after && !/^\.[A-Za-z$][\w$-]*$/.test(after))) throw invalidPath(`"${text}" is not a valid value-filtered path`);
  const path = parseAttrPath(text.slice(0, open));
  if (!path || path.sub) throw invalidPath(`"${text}": a value filter must follow a multi-valued attribute`);
  return { path, filter: parseFilter(text.slice(open + 1, close)), filterSub: after ? after.slice(1) : undefined, text };
}

function applyAt(resource: Json, op: Op, t: PatchTarget, value: unknown, opts: PatchOptions): void {
  const container = containerOf(resource, t.path, op !== 'remove');
  if (!container) return; // removing from an extension the resource does not have: nothing to do
  const key = keyOf(container, t.path.name);
  if (t.filter) return applyFiltered(container, key, op, t, value);
  const multi = opts.multiValued.has(t.path.name.toLowerCase());
  if (t.path.sub) return applySub(container, key, op, t.path.sub, value);
  if (op === 'remove') {
    // Entra removes members by sending path "members" and the list of values to drop
    if (multi && Array.isArray(value)) container[key] = listOf(container[key]).filter((el) => !value.some((v) => sameValue(el, v)));
    else delete container[key];
    return;
  }
  if (value === null) {
    delete container[key];
    return;
  }
  if (multi && op === 'add') {
    const current = listOf(container[key]);
    for (const v of Array.isArray(value) ? value : [value]) if (!current.some((el) => sameValue(el, v))) current.push(v);
    container[key] = current;
    return;
  }
  if (multi) container[key] = Array.isArray(value) ? value : [value];
  else if (op === 'add' && isObject(value) && isObject(container[key])) Object.assign(container[key] as Json, value);
  else container[key] = value;
}

function applySub(container: Json, key: string, op: Op, sub: string, value: unknown): void {
  const current = container[key];
  if (Array.isArray(current)) throw invalidPath(`${key}.${sub}: a multi-valued attribute needs a value filter, e.g. ${key}[type eq "work"].${sub}`);
  if (op === 'remove' || value === null) {
    if (isObject(current)) delete current[keyOf(current, sub)];
    return;
  }
  const target = isObject(current) ? current : (container[key] = {} as Json);
  (target as Json)[keyOf(target as Json, sub)] = value;
}

function applyFiltered(container: Json, key: string, op: Op, t: PatchTarget, value: unknown): void {
  const list = listOf(container[key]);
  const hit = (el: unknown) => isObject(el) && matches(t.filter!, el);
  if (op === 'remove') {
    if (t.filterSub) list.filter(hit).forEach((el) => delete (el as Json)[keyOf(el as Json, t.filterSub!)]);
    container[key] = t.filterSub ? list : list.filter((el) => !hit(el));
    return;
  }
  const matched = list.filter(hit);
  if (matched.length === 0) {
    list.push(newElement(t, value));
  } else {
    for (const el of matched as Json[]) {
      if (t.filterSub) el[keyOf(el, t.filterSub)] = value;
      else if (isObject(value)) Object.assign(el, value);
      else throw invalidValue(`${t.text}: the value must be an object`);
    }
  }
  container[key] = list;
}

/**
 * Entra replaces `emails[type eq "work"].value` on a user that has no work email yet: the filter
 * says what the new element is, so it is created rather than refused with noTarget.
 */
function newElement(t: PatchTarget, value: unknown): Json {
  const f = t.filter!;
  if (f.op !== 'eq' || f.path.sub || f.path.schema) throw new ScimError(400, `${t.text} matches nothing`, 'noTarget');
  const el: Json = { [f.path.name]: f.value };
  if (t.filterSub) el[t.filterSub] = value;
  else if (isObject(value)) Object.assign(el, value);
  else throw invalidValue(`${t.text}: the value must be an object`);
  return el;
}

function listOf(v: unknown): unknown[] {
  return Array.isArray(v) ? [...v] : v === undefined || v === null ? [] : [v];
}

function isObject(v: unknown): v is Json {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function sameValue(a: unknown, b: unknown): boolean {
  const av = isObject(a) ? a[keyOf(a, 'value')] : a;
  const bv = isObject(b) ? b[keyOf(b, 'value')] : b;
  return av !== undefined && av === bv;
}
