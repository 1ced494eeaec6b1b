import { openTarget } from '../../src/connectors/targets';
import { startLdapPeer } from '../fakes/ldap-peer';
import { runTargetConnectorConformance, type TargetHarness } from './target-connector';

async function ldapHarness(withDisabledOU: boolean): Promise<TargetHarness> {
  const peer = await startLdapPeer();
  const connector = openTarget({
    name: 'dir',
    kind: 'ldap',
    url: peer.slapd.url,
    bindDN: peer.slapd.rootDN,
    bindPassword: peer.slapd.rootPassword,
    usersDN: peer.usersDN,
    groupsDN: peer.groupsDN,
    ...(withDisabledOU ? { disabledDN: peer.disabledDN } : {}),
  });
  return {
    connector,
    cleanup: () => peer.stop(),
    peek: async (userName) => {
      const [entry] = await peer.ldapsearch(`(uid=${userName})`);
      if (!entry) return null;
      const groups = await peer.ldapsearch(`(member=${entry.dn[0]})`, ['cn']);
      return {
        active: !(entry.description ?? []).includes('idsync:disabled'),
        attributes: { title: entry.title?.[0] ?? null },
        groups: groups.map((g) => g.cn[0]),
      };
    },
  };
}

runTargetConnectorConformance('LDAP (OpenLDAP slapd, disable marker)', () => ldapHarness(false), { canFail: false });
runTargetConnectorConformance('LDAP (OpenLDAP slapd, disabled OU)', () => ldapHarness(true), { canFail: false });
