// Attribute paths (RFC 7644 §3.10): `name`, `name.sub`, each optionally prefixed by a schema URN
// (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`). Names match
// case-insensitively, so lookups go through keyOf rather than plain property access.
export interface AttrPath {
  /** an extension schema URN; core schemas resolve to the top level and leave this unset */
  schema?: string;
  name: string;
  sub?: string;
}

export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const NAME = /^[A-Za-z$][\w$-]*$/;

export function parseAttrPath(text: string): AttrPath | null {
  let schema: string | undefined;
  let rest = text;
  if (/^urn:/i.test(text)) {
    const cut = text.lastIndexOf(':');
    schema = text.slice(0, cut);
    rest = text.slice(cut + 1);
  }
  const [name, sub, ...more] = rest.split('.');
  if (more.length || !NAME.test(name ?? '') || (sub !== undefined && !NAME.test(sub))) return null;
  if (schema && isCore(schema)) schema = undefined;
  return { schema, name, sub };
}

function isCore(schema: string): boolean {
  const s = schema.toLowerCase();
  return s === CORE_USER.toLowerCase() || s === CORE_GROUP.toLowerCase();
}

/** the key of `obj` that `name` names, ignoring case; `name` itself when there is none */
export function keyOf(obj: Record<string, unknown>, name: string): string {
  if (name in obj) return name;
  const lower = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower) ?? name;
}

/** the object holding the path's attribute: the resource, or its extension's object */
export function containerOf(resource: Record<string, unknown>, path: AttrPath, create: boolean): Record<string, unknown> | null {
  if (!path.schema) return resource;
  const key = keyOf(resource, path.schema);
  const found = resource[key];
  if (found && typeof found === 'object' && !Array.isArray(found)) return found as Record<string, unknown>;
  if (!create) return null;
  const made: Record<string, unknown> = {};
  resource[key] = made;
  return made;
}

/** every value the path reaches, multi-valued attributes flattened */
export function valuesAt(resource: Record<string, unknown>, path: AttrPath): unknown[] {
  const container = containerOf(resource, path, false);
  if (!container) return [];
  const top = container[keyOf(container, path.name)];
  const items = Array.isArray(top) ? top : top === undefined ? [] : [top];
  if (!path.sub) return items;
  return items.flatMap((item) => {
    if (!item || typeof item !== 'object') return [];
    const v = (item as Record<string, unknown>)[keyOf(item as Record<string, unknown>, path.sub!)];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  });
}
