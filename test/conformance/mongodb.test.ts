import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import type { IdentityStore } from '../../src/ports/identity-store';
import { MongoStore } from '../../src/storage/mongo/mongo-store';
import { runIdentityStoreConformance } from './identity-store';
import { runCredentialStoreConformance } from './credential-store';
import type { CredentialStore } from '../../src/ports/credential-store';
import { MongoCredentialStore } from '../../src/storage/mongo/credential-store';
import { mongoAvailability } from './mongo-availability';

// Runs against MONGODB_URI (must be a replica set: the commit is a transaction), or a single-node
// replica set that mongodb-memory-server starts from a binary already on this machine.
const availability = mongoAvailability();

if (availability.kind === 'none') {
  // written straight to stderr: jest drops console output of a suite that ran no test
  process.stderr.write(`MongoDB conformance skipped: ${availability.reason}\n`);
  describe.skip('IdentityStore conformance: mongodb', () => {
    it.todo('runs the IdentityStore conformance suite against a MongoDB replica set');
  });
} else {
  describe('mongodb backend', () => {
    let uri = availability.kind === 'uri' ? availability.uri : '';
    let stopServer: (() => Promise<unknown>) | null = null;

    beforeAll(async () => {
      if (availability.kind !== 'binary') return;
      process.env.MONGOMS_RUNTIME_DOWNLOAD = 'false';
      const { MongoMemoryReplSet } = await import('mongodb-memory-server');
      const replSet = await MongoMemoryReplSet.create({
        replSet: { count: 1, storageEngine: 'wiredTiger' },
        binary: { systemBinary: availability.binary },
      });
      uri = replSet.getUri();
      stopServer = () => replSet.stop();
    }, 120_000);

    afterAll(async () => {
      await stopServer?.();
    });

    runIdentityStoreConformance('mongodb', async () => {
      // every test owns its database, so a shared MONGODB_URI is never touched outside it
      const database = `idsync_conformance_${randomBytes(6).toString('hex')}`;
      const opened: IdentityStore[] = [];
      const open = async () => {
        const s = await MongoStore.connect({ uri, database });
        opened.push(s);
        return s;
      };
      return {
        store: await open(),
        reopen: open,
        second: open,
        cleanup: async () => {
          for (const s of opened) await s.close();
          await dropDatabase(uri, database);
        },
      };
    });

    runCredentialStoreConformance('mongodb', async () => {
      const database = `idsync_conformance_${randomBytes(6).toString('hex')}`;
      const opened: CredentialStore[] = [];
      const open = async () => {
        const s = await MongoCredentialStore.connect({ uri, database });
        opened.push(s);
        return s;
      };
      return {
        store: await open(),
        second: open,
        cleanup: async () => {
          for (const s of opened) await s.close();
          await dropDatabase(uri, database);
        },
      };
    });
  });
}

async function dropDatabase(uri: string, database: string): Promise<void> {
  const conn = await mongoose.createConnection(uri, { dbName: database }).asPromise();
  try {
    await conn.dropDatabase();
  } finally {
    await conn.close();
  }
}
