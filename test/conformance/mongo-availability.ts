// Decides, synchronously at test registration, whether a MongoDB can be had without a download:
// an explicit MONGODB_URI, MONGOMS_SYSTEM_BINARY, or a mongod already in mongodb-memory-server's cache.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export type MongoAvailability =
  | { kind: 'uri'; uri: string }
  | { kind: 'binary'; binary: string }
  | { kind: 'none'; reason: string };

export function mongoAvailability(env: NodeJS.ProcessEnv = process.env): MongoAvailability {
  if (env.MONGODB_URI) return { kind: 'uri', uri: env.MONGODB_URI };
  const system = env.MONGOMS_SYSTEM_BINARY;
  if (system) {
    return existsSync(system)
      ? { kind: 'binary', binary: system }
      : { kind: 'none', reason: `MONGOMS_SYSTEM_BINARY points to ${system}, which does not exist` };
  }
  const dirs = cacheDirs(env);
  const cached = dirs.map((d) => findMongod(d, 3)).find((p): p is string => p !== null);
  if (cached) return { kind: 'binary', binary: cached };
  return {
    kind: 'none',
    reason: `no MONGODB_URI, no MONGOMS_SYSTEM_BINARY and no mongod cached in ${dirs.join(' or ')} (downloads are not attempted)`,
  };
}

/** Where mongodb-memory-server keeps downloaded binaries (its documented defaults). */
function cacheDirs(env: NodeJS.ProcessEnv): string[] {
  return [
    env.MONGOMS_DOWNLOAD_DIR,
    resolve('node_modules/.cache/mongodb-memory-server'),
    join(homedir(), '.cache/mongodb-binaries'),
  ].filter((d): d is string => !!d);
}

function findMongod(dir: string, depth: number): string | null {
  if (depth < 0 || !existsSync(dir)) return null;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isFile() && /^mongod(-[\w.-]+)?$/.test(name) && stat.mode & 0o111) return path;
    if (stat?.isDirectory()) {
      const found = findMongod(path, depth - 1);
      if (found) return found;
    }
  }
  return null;
}
