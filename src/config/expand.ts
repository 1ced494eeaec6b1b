// Turns the raw YAML tree into what the schema validates: ${ENV} expanded in every string, and
// every `<key>File` secret read from disk into `<key>`, so no connector has to know about files.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { formatPath, type ConfigProblem } from './errors';

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface ExpandContext {
  env: NodeJS.ProcessEnv;
  /** relative paths resolve here (the daemon's working directory) */
  baseDir: string;
  problems: ConfigProblem[];
}

export function expandTree(node: unknown, path: PropertyKey[], ctx: ExpandContext): unknown {
  if (typeof node === 'string') return expandString(node, path, ctx);
  if (Array.isArray(node)) return node.map((v, i) => expandTree(v, [...path, i], ctx));
  if (node && typeof node === 'object') return expandObject(node as Record<string, unknown>, path, ctx);
  return node;
}

function expandString(value: string, path: PropertyKey[], ctx: ExpandContext): string {
  return value.replace(ENV_REF, (_m, name: string, fallback: string | undefined) => {
    const v = ctx.env[name];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    ctx.problems.push({ path: formatPath(path), message: `environment variable ${name} is not set` });
    return '';
  });
}

function expandObject(obj: Record<string, unknown>, path: PropertyKey[], ctx: ExpandContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(obj)) {
    const value = expandTree(raw, [...path, key], ctx);
    const secretKey = secretKeyOf(key, obj);
    if (secretKey && typeof value === 'string') {
      if (obj[secretKey] !== undefined) {
        ctx.problems.push({ path: formatPath([...path, key]), message: `set either ${secretKey} or ${key}, not both` });
        continue;
      }
      const content = readSecret(value, [...path, key], ctx);
      if (content !== null) out[secretKey] = content;
      continue;
    }
    out[key] = value;
  }
  return out;
}

/**
 * `<x>File` keys whose owner reads the file itself, at run time, so they stay paths: TLS material
 * (`certFile`/`keyFile`/`caFile`, reloaded on SIGHUP) and a CSV drop's completion marker
 * (`doneFile`, which appears only after the load).
 */
const PATH_KEYS = new Set(['cert', 'key', 'ca', 'done']);

/** `tokenFile` -> `token`. Keys that merely end in "File" but name a data file (e.g. `path`) are untouched. */
function secretKeyOf(key: string, obj: Record<string, unknown>): string | null {
  if (!key.endsWith('File') || key.length <= 4) return null;
  const base = key.slice(0, -4);
  if (PATH_KEYS.has(base) && !(base in obj)) return null;
  return base;
}

/**
 * Relative secret paths look in systemd's $CREDENTIALS_DIRECTORY first (LoadCredential=), then in
 * the working directory, so the same config works under systemd and from a checkout.
 */
export function resolveSecretPath(p: string, ctx: Pick<ExpandContext, 'env' | 'baseDir'>): string[] {
  if (isAbsolute(p)) return [p];
  const dirs = [ctx.env.CREDENTIALS_DIRECTORY, ctx.baseDir].filter((d): d is string => !!d);
  return dirs.map((d) => resolve(d, p));
}

function readSecret(p: string, path: PropertyKey[], ctx: ExpandContext): string | null {
  const candidates = resolveSecretPath(p, ctx);
  for (const file of candidates) {
    try {
      return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        ctx.problems.push({ path: formatPath(path), message: `cannot read ${file}: ${(err as Error).message}` });
        return null;
      }
    }
  }
  ctx.problems.push({ path: formatPath(path), message: `secret file not found: ${candidates.join(' or ')}` });
  return null;
}
