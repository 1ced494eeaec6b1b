// The frontend over the real store-fed view: a suspension committed to the store stops binds and
// drops the suspended person's open session as soon as the view swaps in the change.
import { Readable, Writable } from 'node:stream';
import pino from 'pino';
import { Client } from 'ldapts';
import { ldapSchema } from '../../src/config/sections/ldap';
import { passwordSetCommand } from '../../src/cli/commands/credentials';
import { startLdapServer, type LdapServerHandle } from '../../src/ldap/server';
import { StoreDirectoryView } from '../../src/ldap/view';
import { MemoryCredentialStore } from '../../src/storage/memory/credential-store';
import { MemoryStore } from '../../src/storage/memory/memory-store';
import { group, person } from '../fixtures/ldap/people';

const BASE = 'dc=example,dc=com';
const quiet = (): Writable => new Writable({ write: (_c, _e, cb) => cb() });

let store: MemoryStore;
let view: StoreDirectoryView;
let server: LdapServerHandle;
let url: string;

beforeAll(async () => {
  store = new MemoryStore();
  await store.commit({
    groups: [group('engineering', 20000)],
    identities: [person('alice', 10001), person('bob', 10002)].map((identity) => ({ identity, expectedRevision: null })),
  });
  view = new StoreDirectoryView(store, { baseDN: BASE, serviceAccounts: ['app'] });
  await view.start();
  const credentials = new MemoryCredentialStore();
  for (const u of ['alice', 'bob']) {
    await passwordSetCommand({ credentials, username: u, input: Readable.from([`${u}-password\n`]), output: quiet(), errors: quiet() });
  }
  const config = ldapSchema.parse({ baseDN: BASE, listen: ['ldap://127.0.0.1:0'], serviceAccounts: [{ name: 'app', password: 'app-pw-1' }] });
  server = await startLdapServer({ config, view, credentials, log: pino({ level: 'silent' }) });
  url = server.addresses()[0].url;
});

afterAll(async () => {
  await server.close();
  await view.close();
  await store.close();
});

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return Date.now() - started;
}

it('refuses the bind and revokes the open session of someone suspended in the store', async () => {
  const dn = `uid=bob,ou=people,${BASE}`;
  const session = new Client({ url });
  await session.bind(dn, 'bob-password');
  expect(await session.exop('1.3.6.1.4.1.4203.1.11.3')).toMatchObject({ value: `dn:${dn}` });

  await store.updateIdentity('id-bob', (cur) => ({ identity: { ...cur, state: 'suspended', stateChangedAt: new Date().toISOString() } }));

  const ms = await waitFor(async () => (await session.exop('1.3.6.1.4.1.4203.1.11.3')).value === '', 1000);
  expect(ms).toBeLessThan(1000);
  const probe = new Client({ url });
  await expect(probe.bind(dn, 'bob-password')).rejects.toMatchObject({ code: 49 });
  await probe.unbind();
  await session.unbind();

  const alice = new Client({ url });
  await alice.bind(`uid=alice,ou=people,${BASE}`, 'alice-password');
  const { searchEntries } = await alice.search(BASE, { filter: '(uid=bob)', attributes: ['userAccountControl'] });
  expect(searchEntries[0].userAccountControl).toBe('514'); // suspended people stay visible, disabled
  await alice.unbind();
});
