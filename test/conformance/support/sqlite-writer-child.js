// A separate process that commits through SqliteStore, for tests that need real cross-process
// contention on one database file. Loads the TypeScript sources with a minimal transpile hook.
// argv: <db path> <writer name> <commits>
const fs = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const out = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: filename,
  });
  module._compile(out.outputText, filename);
};

const { SqliteStore } = require('../../../src/storage/sqlite/sqlite-store.ts');

async function main() {
  const [path, writer, commits] = process.argv.slice(2);
  const store = new SqliteStore(path);
  for (let k = 0; k < Number(commits); k++) {
    const uid = await store.reserveSequence('uidNumber', 1, 10000);
    const id = `${writer}-${k}`;
    const now = new Date().toISOString();
    await store.commit({
      identities: [
        {
          expectedRevision: null,
          identity: {
            id, revision: 0, username: `u${uid}`, uidNumber: uid, employeeId: id, state: 'active', stateChangedAt: now,
            attributes: { mail: `${id}@example.com` }, provenance: {}, links: [{ source: 'hr', externalId: id }],
            entitlements: [], createdAt: now, updatedAt: now,
          },
        },
      ],
      sourceRecords: [
        { source: 'hr', externalId: id, attributes: {}, hash: 'h', identityId: id, firstSeenAt: now, lastSeenAt: now, lastSeenRunId: writer, gone: false },
      ],
      audit: [
        { time: now, actor: { kind: 'system', id: writer }, action: 'identity.create', subject: { kind: 'identity', id }, before: null, after: { uid }, correlationId: id },
      ],
    });
  }
  await store.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
