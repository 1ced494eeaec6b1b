import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IdentityStore } from '../../src/ports/identity-store';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store';
import { runIdentityStoreConformance } from './identity-store';
import { runCredentialStoreConformance } from './credential-store';
import type { CredentialStore } from '../../src/ports/credential-store';
import { SqliteCredentialStore } from '../../src/storage/sqlite/credential-store';

// Each test gets its own database file; `second` is another better-sqlite3 connection to that file,
// so concurrency goes through SQLite's locking exactly as two processes' would.
runIdentityStoreConformance('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'idsync-conformance-'));
  const path = join(dir, 'idsync.db');
  const opened: IdentityStore[] = [];
  const open = async () => {
    const s = new SqliteStore(path);
    opened.push(s);
    return s;
  };
  return {
    store: await open(),
    reopen: open,
    second: open,
    cleanup: async () => {
      for (const s of opened) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

// The credentials live in the store's own file, beside the identity tables.
runCredentialStoreConformance('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'idsync-conformance-'));
  const path = join(dir, 'idsync.db');
  const opened: CredentialStore[] = [];
  const open = async () => {
    const s = new SqliteCredentialStore(path);
    opened.push(s);
    return s;
  };
  return {
    store: await open(),
    second: open,
    cleanup: async () => {
      for (const s of opened) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
