// A 2xx to a pushed change means LDAP binds already see it. The daemon here runs its LDAP view with
// a refresh delay of two seconds, far longer than a commit and the lock release take: a bind that
// follows the 204 of a DELETE is refused only because the answer waited for the view.
import { randomUUID } from 'node:crypto';
import { Client } from 'ldapts';
import { startDaemon, type Daemon } from '../../src/main';
import { silentLogger } from '../../src/ports/logger';
import { deletePrefix } from '../../src/redis/keys';
import { openCredentialStore } from '../../src/storage/credentials';
import type { CredentialStore } from '../../src/ports/credential-store';
import { bindCode, setPassword } from '../helpers/ldap-bind';
import { testConfig } from '../helpers/test-config';
import { fill, fixture, replay, type RecordedRequest } from '../helpers/scim-fixtures';

const TOKEN = `entra-${randomUUID()}`;
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const VIEW_DELAY_MS = 2000;

let daemon: Daemon;
let credentials: CredentialStore;
let base: string;
let prefix: string;

beforeAll(async () => {
  const site = testConfig('inbound-view', () => {
    return [
      'sources:',
      `  - { name: entra, kind: scim, token: ${TOKEN} }`,
      'ldap:',
      '  baseDN: dc=example,dc=com',
      '  listen: [ "ldap://127.0.0.1:0" ]',
      'inbound:',
      '  listen: tcp://127.0.0.1:0',
    ];
  });
  const { dir, config } = site;
  prefix = site.prefix;
  daemon = await startDaemon(config, { log: silentLogger, initialSync: false, ldapViewDelayMs: VIEW_DELAY_MS });
  credentials = await openCredentialStore(daemon.loaded.config, dir);
  base = `${daemon.inbound!.address.replace(/^tcp:/, 'http:')}/scim/v2/entra`;
});

afterAll(async () => {
  await credentials?.close();
  if (daemon) {
    await deletePrefix(daemon.redis.client, prefix);
    expect(await daemon.close()).toEqual([]);
  }
});

const entra = (req: RecordedRequest) => replay(base, req, TOKEN);

describe('inbound SCIM answers once the LDAP view has the change', () => {
  it('refuses a bind from the moment a DELETE has been answered 204, though the view refreshes seconds later', async () => {
    const req = fixture('entra-create-user') as RecordedRequest & { body: any };
    req.body.userName = 'deleted@contoso.test';
    req.body.externalId = randomUUID();
    req.body[ENTERPRISE].employeeNumber = 'E-DEL-1';
    const created = await entra(req);
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    const record = await daemon.store.getSourceRecord('entra', id);
    const identity = (await daemon.store.getIdentity({ by: 'id', value: record!.identityId! }))!;
    await setPassword(credentials, identity.username, 'Correct-Horse-9');
    const ldap = daemon.ldapAddresses[0];
    const dn = `uid=${identity.username},ou=people,dc=example,dc=com`;
    // the 201 waited for the view too: the new person binds at once (no retries: failed binds count towards a lockout)
    expect(await bindCode(ldap, dn, 'Correct-Horse-9')).toBe(0);

    // a connection already open, so the bind goes out the moment the 204 arrives
    const client = new Client({ url: ldap, timeout: 10_000 });
    try {
      await client.bind(dn, 'Correct-Horse-9');
      const res = await entra(fill(fixture('entra-delete-user'), { id }));
      expect(res.status).toBe(204);
      await expect(client.bind(dn, 'Correct-Horse-9')).rejects.toMatchObject({ code: 49 });
    } finally {
      await client.unbind().catch(() => undefined);
    }
    expect((await daemon.store.getIdentity({ by: 'id', value: identity.id }))!.state).toBe('terminated');
    expect((await entra({ method: 'GET', path: `/Users/${id}`, headers: {} })).status).toBe(404);
  });
});
