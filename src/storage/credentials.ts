// Opens the credential store beside the configured identity store: the same SQLite file (or
// ldap.credentialsPath), the same MongoDB database, or memory for a memory store.
import type { Config } from '../config/schema';
import type { CredentialStore } from '../ports/credential-store';
import { MemoryCredentialStore } from './memory/credential-store';
import { SqliteCredentialStore } from './sqlite/credential-store';
import { resolveSqlitePath } from './index';

export async function openCredentialStore(config: Config, baseDir = process.cwd()): Promise<CredentialStore> {
  const explicit = config.ldap?.credentialsPath;
  if (explicit) return new SqliteCredentialStore(resolveSqlitePath(explicit, baseDir));
  switch (config.store.kind) {
    case 'sqlite':
      return new SqliteCredentialStore(resolveSqlitePath(config.store.path, baseDir));
    case 'mongodb': {
      const { MongoCredentialStore } = await import('./mongo/credential-store');
      return MongoCredentialStore.connect({ uri: config.store.uri, database: config.store.database });
    }
    case 'memory':
      return new MemoryCredentialStore();
  }
}
