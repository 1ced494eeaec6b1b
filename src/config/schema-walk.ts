// Finds, for a problem at a path, what the schema would have accepted there: the known keys of an
// object, the known values of a discriminator. Lets messages suggest the key a user meant.
import type { z } from 'zod';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  in?: z.ZodType;
  valueType?: z.ZodType;
  values?: unknown[];
}

const defOf = (s: z.ZodType | undefined): Def | undefined => (s as unknown as { _zod?: { def: Def } } | undefined)?._zod?.def;

/** Unwraps optional/default/prefault/nullable/pipe down to the schema that does the work. */
function unwrap(s: z.ZodType | undefined): z.ZodType | undefined {
  for (let d = defOf(s); d; d = defOf(s)) {
    if (d.innerType && ['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch'].includes(d.type)) s = d.innerType;
    else if (d.type === 'pipe' && d.in) s = d.in;
    else return s;
  }
  return s;
}

function literalValues(s: z.ZodType | undefined): unknown[] {
  const d = defOf(unwrap(s));
  return d?.type === 'literal' || d?.type === 'enum' ? (d.values ?? Object.values((d as { entries?: object }).entries ?? {})) : [];
}

/** For a union, the option that `value` selects by its discriminator, or the first object option. */
function pickOption(d: Def, value: unknown): z.ZodType | undefined {
  const key = d.discriminator;
  const given = key && value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  const options = d.options ?? [];
  return options.find((o) => key && literalValues(defOf(unwrap(o))?.shape?.[key]).includes(given)) ?? options[0];
}

/** The schema at `path`, following the input so unions pick the option the user chose. */
export function schemaAt(root: z.ZodType, path: readonly PropertyKey[], input: unknown): z.ZodType | undefined {
  let s: z.ZodType | undefined = root;
  let value = input;
  for (const part of path) {
    s = resolveHere(s, value);
    const d = defOf(s);
    if (!d) return undefined;
    if (d.type === 'array') s = d.element;
    else if (d.type === 'record') s = d.valueType;
    else if (d.type === 'object') s = d.shape?.[String(part)];
    else return undefined;
    value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[part as string] : undefined;
  }
  return resolveHere(s, value);
}

function resolveHere(s: z.ZodType | undefined, value: unknown): z.ZodType | undefined {
  let cur = unwrap(s);
  for (let d = defOf(cur); d?.type === 'union'; d = defOf(cur)) cur = unwrap(pickOption(d, value));
  return cur;
}

/** Known keys of the object schema at `path`, or [] when there is none. */
export function knownKeysAt(root: z.ZodType, path: readonly PropertyKey[], input: unknown): string[] {
  const d = defOf(schemaAt(root, path, input));
  return d?.type === 'object' && d.shape ? Object.keys(d.shape) : [];
}

/** Every value the discriminator of the union at `path` accepts, e.g. the known source kinds. */
export function knownKindsAt(root: z.ZodType, path: readonly PropertyKey[], input: unknown): string[] {
  let s: z.ZodType | undefined = root;
  if (path.length) {
    const parent = schemaAt(root, path.slice(0, -1), input);
    const pd = defOf(parent);
    const last = path[path.length - 1];
    s = pd?.type === 'array' ? pd.element : pd?.type === 'object' ? pd.shape?.[String(last)] : undefined;
  }
  const d = defOf(unwrap(s));
  if (d?.type !== 'union' || !d.discriminator) return [];
  return (d.options ?? []).flatMap((o) => literalValues(defOf(unwrap(o))?.shape?.[d.discriminator!])).map(String);
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/** The known key closest to a misspelt one, when it is close enough to be a likely typo. */
export function closestKey(key: string, known: string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const k of known) {
    const dist = editDistance(key, k);
    if (dist < bestDistance) [best, bestDistance] = [k, dist];
  }
  if (best === null) return null;
  const shortest = Math.min(key.length, best.length);
  return bestDistance <= (shortest <= 3 ? 1 : Math.max(2, Math.floor(shortest / 3))) ? best : null;
}
