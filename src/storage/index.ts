// Opens the configured store. The only place that knows every backend; callers see IdentityStore.
import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Config } from '../config/schema';
import type { IdentityStore } from '../ports/identity-store';
import { MemoryStore } from './memory/memory-store';
import { SqliteStore } from './sqlite/sqlite-store';

export interface OpenStoreOptions {
  /** directory a relative sqlite path is resolved against (the config file's directory); default cwd */
  baseDir?: string;
}

export async function openStore(config: Config['store'], opts: OpenStoreOptions = {}): Promise<IdentityStore> {
  switch (config.kind) {
    case 'sqlite':
      return openSqlite(config.path, opts.baseDir ?? process.cwd());
    case 'mongodb': {
      // loaded lazily: an SQLite installation never pays for the MongoDB driver
      const { MongoStore } = await import('./mongo/mongo-store');
      return MongoStore.connect({ uri: config.uri, database: config.database });
    }
    case 'memory':
      return new MemoryStore();
  }
}

/** Resolves a relative sqlite path against `baseDir` ("./data/idsync.db" next to the config). */
export function resolveSqlitePath(path: string, baseDir: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

function openSqlite(path: string, baseDir: string): IdentityStore {
  const file = resolveSqlitePath(path, baseDir);
  try {
    mkdirSync(dirname(file), { recursive: true });
    return new SqliteStore(file);
  } catch (err) {
    throw new Error(`cannot open the SQLite store at ${file} (store.path): ${(err as Error).message}`);
  }
}
