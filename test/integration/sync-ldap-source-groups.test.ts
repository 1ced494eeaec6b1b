// The whole path with real peers: an OpenLDAP source (a private slapd) with nested groups, read by
// the ldap source, synced into SQLite with its groups prefix, served by idsync's LDAP view and
// queried with OpenLDAP's ldapsearch, IN_CHAIN included; a membership removed in slapd leaves memberOf.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Attribute, Change, Client } from 'ldapts';
import pino from 'pino';
import { ldapSchema } from '../../src/config/sections/ldap';
import { sourceSchema } from '../../src/config/sections/sources';
import { openSource } from '../../src/connectors/sources';
import { startLdapServer, type LdapServerHandle } from '../../src/ldap/server';
import { StoreDirectoryView } from '../../src/ldap/view';
import { noTargetsPlanner } from '../../src/ports/access-policy';
import { ManualClock } from '../../src/ports/clock';
import type { IdentityStore } from '../../src/ports/identity-store';
import { departmentGroupsPolicy } from '../../src/services/policy/department-groups';
import { SyncService, silentLogger } from '../../src/services/sync';
import { openStore } from '../../src/storage';
import { MemoryCredentialStore } from '../../src/storage/memory/credential-store';
import { startSlapd, type Slapd } from '../helpers/slapd';

const run = promisify(execFile);
const VIEW_BASE = 'dc=idsync,dc=test';
const APP_PW = 'app-secret-1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function seed(s: Slapd): Promise<void> {
  const c = new Client({ url: s.url });
  await c.bind(s.rootDN, s.rootPassword);
  await c.add(s.suffix, { objectClass: ['dcObject', 'organization'], dc: 'example', o: 'Example' });
  await c.add(`ou=people,${s.suffix}`, { objectClass: 'organizationalUnit', ou: 'people' });
  await c.add(`ou=groups,${s.suffix}`, { objectClass: 'organizationalUnit', ou: 'groups' });
  for (const [uid, given, sn] of [['u1', 'Ada', 'Lovelace'], ['u2', 'Bob', 'Builder'], ['u3', 'Cy', 'Young'], ['u4', 'Di', 'Prince']]) {
    await c.add(`uid=${uid},ou=people,${s.suffix}`, { objectClass: 'inetOrgPerson', uid, cn: `${given} ${sn}`, givenName: given, sn, mail: `${uid}@example.com`, employeeNumber: `E-${uid}` });
  }
  const dn = (uid: string) => `uid=${uid},ou=people,${s.suffix}`;
  await c.add(`cn=eng,ou=groups,${s.suffix}`, { objectClass: 'groupOfNames', cn: 'eng', member: [dn('u1'), dn('u2')] });
  await c.add(`cn=all,ou=groups,${s.suffix}`, { objectClass: 'groupOfNames', cn: 'all', member: [dn('u3'), `cn=eng,ou=groups,${s.suffix}`] });
  await c.unbind();
}

describe('an OpenLDAP source with nested groups, through the sync, served by the LDAP view', () => {
  let slapd: Slapd;
  let dir: string;
  let store: IdentityStore;
  let view: StoreDirectoryView;
  let server: LdapServerHandle;
  let url: string;
  const cfg = () =>
    sourceSchema.parse({
      name: 'dir', kind: 'ldap', url: slapd.url, bindDN: slapd.rootDN, bindPassword: slapd.rootPassword,
      baseDN: `ou=people,${slapd.suffix}`, groupsDN: `ou=groups,${slapd.suffix}`, groups: { prefix: 'ol-' },
    });
  const sync = () =>
    new SyncService({ store, clock: new ManualClock(new Date('2026-03-10T08:00:00Z')), policy: departmentGroupsPolicy, planner: noTargetsPlanner,
      identity: { uidNumberStart: 10000, gidNumberStart: 20000, defaultGroup: 'staff', usernameMaxLength: 20 }, log: silentLogger });

  async function ldapsearch(args: string[]): Promise<string[]> {
    const { stdout } = await run('ldapsearch', ['-LLL', '-o', 'ldif-wrap=no', '-x', '-H', url, '-D', `cn=app,ou=services,${VIEW_BASE}`, '-w', APP_PW, ...args]);
    return stdout.split('\n').filter((l) => l.startsWith('uid: ')).map((l) => l.slice(5)).sort();
  }
  const inChain = (group: string) => ldapsearch(['-b', `ou=people,${VIEW_BASE}`, `(memberOf:1.2.840.113556.1.4.1941:=cn=${group},ou=groups,${VIEW_BASE})`, 'uid']);

  beforeAll(async () => {
    slapd = await startSlapd();
    await seed(slapd);
    dir = mkdtempSync(join(tmpdir(), 'idsync-ldapgroups-'));
    store = await openStore({ kind: 'sqlite', path: 'idsync.db' }, { baseDir: dir });
    view = new StoreDirectoryView(store, { baseDN: VIEW_BASE, serviceAccounts: ['app'] });
    await view.start();
    const config = ldapSchema.parse({ baseDN: VIEW_BASE, listen: ['ldap://127.0.0.1:0'], serviceAccounts: [{ name: 'app', password: APP_PW }] });
    server = await startLdapServer({ config, view, credentials: new MemoryCredentialStore(), log: pino({ level: 'silent' }) });
    url = server.addresses()[0].url;
  }, 30000);

  afterAll(async () => {
    await server?.close();
    await view?.close();
    await store?.close();
    await slapd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function waitForView(): Promise<void> {
    const seq = await store.latestChangeSeq();
    for (let i = 0; i < 500 && view.seq < seq; i++) await sleep(10);
  }

  it('serves the nested source group so IN_CHAIN finds members of nested groups', async () => {
    const c = cfg();
    const report = await sync().runSource(openSource(c, { baseDir: dir }), c);
    expect(report.status).toBe('applied');
    expect(report.groups).toMatchObject({ created: 2 });
    expect((await store.getGroup('ol-all'))?.memberGroups).toEqual(['ol-eng']);
    await waitForView();
    expect(await inChain('ol-all')).toEqual(['alovelace', 'bbuilder', 'cyoung']);
    expect(await ldapsearch(['-b', `ou=people,${VIEW_BASE}`, `(memberOf=cn=ol-all,ou=groups,${VIEW_BASE})`, 'uid'])).toEqual(['cyoung']);
  });

  it('a member removed in the source directory leaves memberOf and the chain after the next run', async () => {
    const admin = new Client({ url: slapd.url });
    await admin.bind(slapd.rootDN, slapd.rootPassword);
    await sleep(1100); // modifyTimestamp has one-second resolution: the change must be after the watermark
    await admin.modify(`cn=eng,ou=groups,${slapd.suffix}`, new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: [`uid=u2,ou=people,${slapd.suffix}`] }) }));
    await admin.unbind();
    const c = cfg();
    const report = await sync().runSource(openSource(c, { baseDir: dir }), c);
    expect(report.groups).toMatchObject({ membersRemoved: 1 });
    await waitForView();
    expect(await inChain('ol-all')).toEqual(['alovelace', 'cyoung']);
    expect(await ldapsearch(['-b', `ou=people,${VIEW_BASE}`, `(memberOf=cn=ol-eng,ou=groups,${VIEW_BASE})`, 'uid'])).toEqual(['alovelace']);
  });
});
