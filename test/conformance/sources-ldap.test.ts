// The ldap source (OpenLDAP flavor) through the source conformance suite, against a slapd started
// per test. It runs: full read, readOne, truncate (slapd stopped mid-answer). Not registered:
// pages (the suite counts pages through an HTTP fake; paging past pageSize is covered in
// test/integration/source-ldap-slapd.test.ts), faults and rateLimit (HTTP answers), incremental
// (an LDAP delta cannot see deletions: the periodic full read finds them, as the integration test
// shows for fullEvery), keyless (slapd gives every entry an entryUUID).
import { Client } from 'ldapts';
import { openSource } from '../../src/connectors/sources';
import { startCuttingProxy, type CuttingProxy } from '../helpers/cutting-proxy';
import { startSlapd } from '../helpers/slapd';
import { runSourceConformance, type ConformancePerson } from './source-connector';

runSourceConformance('ldap', {
  supports: { readOne: true, truncate: true },
  async make() {
    const slapd = await startSlapd();
    const admin = new Client({ url: slapd.url });
    await admin.bind(slapd.rootDN, slapd.rootPassword);
    const peopleDN = `ou=people,${slapd.suffix}`;
    await admin.add(slapd.suffix, { objectClass: ['dcObject', 'organization'], dc: 'example', o: 'Example' });
    await admin.add(peopleDN, { objectClass: 'organizationalUnit', ou: 'people' });
    const ids = new Map<string, string>();
    let proxy: CuttingProxy | null = null;
    return {
      seed: async (people: ConformancePerson[]) => {
        const { searchEntries } = await admin.search(peopleDN, { scope: 'one', filter: '(objectClass=*)', attributes: ['dn'] });
        for (const e of searchEntries) await admin.del(e.dn);
        ids.clear();
        for (const p of people) {
          await admin.add(`uid=${p.key},${peopleDN}`, { objectClass: 'inetOrgPerson', uid: p.key, cn: `${p.givenName} ${p.sn}`, givenName: p.givenName, sn: p.sn, mail: p.mail, title: p.title });
          const { searchEntries: [e] } = await admin.search(`uid=${p.key},${peopleDN}`, { scope: 'base', attributes: ['entryUUID'] });
          ids.set(p.key, String(e.entryUUID));
        }
      },
      open: () => {
        const url = proxy ? `ldap://127.0.0.1:${proxy.port}` : slapd.url;
        return openSource({ name: 'dir', kind: 'ldap', url, bindDN: slapd.rootDN, bindPassword: slapd.rootPassword, baseDN: peopleDN, pageSize: 1, timeoutMs: 3000 }, { baseDir: '.' });
      },
      externalIdOf: (p) => ids.get(p.key)!,
      truncate: async () => {
        proxy = await startCuttingProxy(slapd.port, 200, () => slapd.stop());
      },
      close: async () => {
        await admin.unbind().catch(() => undefined);
        await proxy?.close();
        await slapd.stop();
      },
    };
  },
});
