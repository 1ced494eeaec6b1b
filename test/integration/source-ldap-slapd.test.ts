// The ldap source (OpenLDAP flavor) against a private slapd: entryUUID ids, paging past pageSize,
// manager and nested groups resolved to ids, modifyTimestamp increments, renames, a cut read.
import { Attribute, Change, Client } from 'ldapts';
import { ldapSourceSchema } from '../../src/connectors/sources/ldap/config';
import { LdapSource } from '../../src/connectors/sources/ldap/ldap-source';
import { startCuttingProxy, type CuttingProxy } from '../helpers/cutting-proxy';
import { startSlapd, type Slapd } from '../helpers/slapd';

const USERS = 12;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function seed(s: Slapd): Promise<void> {
  const c = new Client({ url: s.url });
  await c.bind(s.rootDN, s.rootPassword);
  await c.add(s.suffix, { objectClass: ['dcObject', 'organization'], dc: 'example', o: 'Example' });
  await c.add(`ou=people,${s.suffix}`, { objectClass: 'organizationalUnit', ou: 'people' });
  await c.add(`ou=groups,${s.suffix}`, { objectClass: 'organizationalUnit', ou: 'groups' });
  for (let i = 1; i <= USERS; i++) {
    await c.add(`uid=u${i},ou=people,${s.suffix}`, {
      objectClass: 'inetOrgPerson', uid: `u${i}`, cn: `User ${i}`, givenName: 'User', sn: `N${i}`, mail: `u${i}@example.com`,
      employeeNumber: `E${i}`, departmentNumber: 'Eng', title: 'Dev', ...(i > 1 ? { manager: `uid=u1,ou=people,${s.suffix}` } : {}),
    });
  }
  await c.add(`cn=eng,ou=groups,${s.suffix}`, { objectClass: 'groupOfNames', cn: 'eng', member: [`uid=u1,ou=people,${s.suffix}`, `uid=u2,ou=people,${s.suffix}`] });
  await c.add(`cn=all,ou=groups,${s.suffix}`, { objectClass: 'groupOfNames', cn: 'all', member: [`uid=u3,ou=people,${s.suffix}`, `cn=eng,ou=groups,${s.suffix}`] });
  await c.unbind();
}

function source(s: Slapd, url = s.url, extra: Record<string, unknown> = {}): LdapSource {
  const cfg = ldapSourceSchema.parse({
    name: 'dir', kind: 'ldap', url, bindDN: s.rootDN, bindPassword: s.rootPassword, baseDN: `ou=people,${s.suffix}`, groupsDN: `ou=groups,${s.suffix}`, pageSize: 5, ...extra,
  });
  return new LdapSource(cfg, { baseDir: process.cwd() });
}

describe('ldap source against slapd (openldap flavor)', () => {
  let slapd: Slapd;
  beforeAll(async () => {
    slapd = await startSlapd();
    await seed(slapd);
  }, 30000);
  afterAll(async () => slapd?.stop());

  it('reads every person over several pages with entryUUID as the id and the manager as an id', async () => {
    const snap = await source(slapd).read({ watermark: null });
    expect(snap).toMatchObject({ mode: 'full', complete: true, incompleteReason: null, problems: [] });
    expect(snap.records).toHaveLength(USERS); // pageSize 5: only a read that follows the cookie gets all 12
    const u1 = snap.records.find((r) => r.attributes.login === 'u1')!;
    const u2 = snap.records.find((r) => r.attributes.login === 'u2')!;
    expect(u1.externalId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(u2.attributes).toMatchObject({ givenName: 'User', sn: 'N2', mail: 'u2@example.com', employeeId: 'E2', department: 'Eng', title: 'Dev', manager: u1.externalId });
    expect(u2.location).toBe(`uid=u2,ou=people,${slapd.suffix}`);
  });

  it('brings groups with people as members and nested groups as memberGroups', async () => {
    const snap = await source(slapd).read({ watermark: null });
    const id = (login: string) => snap.records.find((r) => r.attributes.login === login)!.externalId;
    const eng = snap.groups!.find((g) => g.name === 'eng')!;
    const all = snap.groups!.find((g) => g.name === 'all')!;
    expect(eng.members!.sort()).toEqual([id('u1'), id('u2')].sort());
    expect(eng.memberGroups).toEqual([]);
    expect(all.members).toEqual([id('u3')]);
    expect(all.memberGroups).toEqual([eng.externalId]);
  });

  it('reads only entries changed since the modifyTimestamp watermark; a rename keeps the id', async () => {
    const src = source(slapd);
    const full = await src.read({ watermark: null });
    const before = new Map(full.records.map((r) => [r.attributes.login, r.externalId]));
    const admin = new Client({ url: slapd.url });
    await admin.bind(slapd.rootDN, slapd.rootPassword);
    await sleep(1100);
    await admin.modify(`uid=u4,ou=people,${slapd.suffix}`, new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: ['Lead'] }) }));
    const first = await src.read({ watermark: full.watermark });
    expect(first).toMatchObject({ mode: 'delta', complete: true, removed: [] });
    expect(first.records.find((r) => r.attributes.login === 'u4')!.attributes.title).toBe('Lead');
    await sleep(1100);
    await admin.modifyDN(`uid=u5,ou=people,${slapd.suffix}`, 'uid=u5renamed');
    const second = await src.read({ watermark: first.watermark });
    await admin.unbind();
    const logins = second.records.map((r) => r.attributes.login).sort();
    // >= the last seen time re-reads the boundary entry (u4) rather than risk missing a same-second change
    expect(logins).toEqual(['u4', 'u5renamed']);
    expect(second.records.find((r) => r.attributes.login === 'u5renamed')!.externalId).toBe(before.get('u5'));
    expect(second.records.find((r) => r.attributes.login === 'u5renamed')!.attributes.manager).toBe(before.get('u1'));
  }, 20000);

  it('makes a full read after fullEvery runs, whatever the watermark says', async () => {
    const src = source(slapd, slapd.url, { fullEvery: 2 });
    const full = await src.read({ watermark: null });
    const delta = await src.read({ watermark: full.watermark });
    expect(delta.mode).toBe('delta');
    const again = await src.read({ watermark: delta.watermark });
    expect(again.mode).toBe('full');
    expect(again.records).toHaveLength(USERS);
  });

  it('re-reads one person by entryUUID and says null for an unknown one', async () => {
    const src = source(slapd);
    const full = await src.read({ watermark: null });
    const u3 = full.records.find((r) => r.attributes.login === 'u3')!;
    await expect(src.readOne(u3.externalId)).resolves.toEqual(u3);
    await expect(src.readOne('00000000-0000-0000-0000-000000000000')).resolves.toBeNull();
  });
});

describe('ldap source: a read cut short', () => {
  it('is incomplete, names the page, and keeps the previous watermark when slapd stops mid-read', async () => {
    const slapd = await startSlapd();
    let proxy: CuttingProxy | undefined;
    try {
      await seed(slapd);
      // past the bind and the first page of people: stop the server under the reader
      proxy = await startCuttingProxy(slapd.port, 1500, () => slapd.stop());
      const port = proxy.port;
      const snap = await source(slapd, `ldap://127.0.0.1:${port}`, { pageSize: 2, timeoutMs: 3000 }).read({ watermark: 'previous' });
      expect(snap.complete).toBe(false);
      expect(snap.incompleteReason).toMatch(/people under ou=people,dc=example,dc=com: page ([2-9]|\d\d) failed/);
      expect(snap.watermark).toBe('previous');
      expect(snap.groups).toBeUndefined();
    } finally {
      await proxy?.close();
      await slapd.stop();
    }
  }, 20000);

  it('is incomplete when the server answers sizeLimitExceeded', async () => {
    const slapd = await startSlapd({ sizeLimit: 3 });
    try {
      await seed(slapd);
      // the root DN has no limits; an ordinary reader has slapd's sizelimit 3
      const admin = new Client({ url: slapd.url });
      await admin.bind(slapd.rootDN, slapd.rootPassword);
      await admin.modify(`uid=u1,ou=people,${slapd.suffix}`, new Change({ operation: 'add', modification: new Attribute({ type: 'userPassword', values: ['reader'] }) }));
      await admin.unbind();
      const snap = await source(slapd, slapd.url, { pageSize: 5, bindDN: `uid=u1,ou=people,${slapd.suffix}`, bindPassword: 'reader' }).read({ watermark: null });
      expect(snap.complete).toBe(false);
      expect(snap.incompleteReason).toMatch(/page \d+ failed: LDAP result 4/);
    } finally {
      await slapd.stop();
    }
  }, 20000);
});
