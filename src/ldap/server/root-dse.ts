import type { LdapEntry } from '../contract';

export const OID = {
  pagedResults: '1.2.840.113556.1.4.319',
  passwordPolicy: '1.3.6.1.4.1.42.2.27.8.5.1',
  manageDsaIT: '2.16.840.1.113730.3.4.2',
  whoAmI: '1.3.6.1.4.1.4203.1.11.3',
  startTls: '1.3.6.1.4.1.1466.20037',
  passwordModify: '1.3.6.1.4.1.4203.1.11.1',
  noticeOfDisconnection: '1.3.6.1.4.1.1466.20036',
} as const;

/** Controls idsync understands; any other control marked critical is refused (RFC 4511 4.1.11). */
export const SUPPORTED_CONTROLS = [OID.pagedResults, OID.passwordPolicy, OID.manageDsaIT];

export const SUBSCHEMA_DN = 'cn=Subschema';

function entryOf(dn: string, attrs: Record<string, string[]>): LdapEntry {
  const map: LdapEntry['attrs'] = new Map();
  for (const [name, values] of Object.entries(attrs)) map.set(name.toLowerCase(), { name, values, operational: false });
  return { dn, ndn: dn.toLowerCase(), attrs: map };
}

/**
 * The rootDSE. Its attributes are returned for `*` too (unlike OpenLDAP, which wants `+`): legacy
 * clients and people running `ldapsearch -b "" -s base` both expect to see them.
 */
export function rootDse(baseDN: string, startTls: boolean, vendorVersion: string): LdapEntry {
  return entryOf('', {
    objectClass: ['top', 'idsyncRootDSE'],
    namingContexts: [baseDN],
    supportedLDAPVersion: ['3'],
    supportedControl: [...SUPPORTED_CONTROLS],
    supportedExtension: [OID.whoAmI, ...(startTls ? [OID.startTls] : [])],
    supportedFeatures: ['1.3.6.1.4.1.4203.1.5.1'],
    subschemaSubentry: [SUBSCHEMA_DN],
    vendorName: ['idsync'],
    vendorVersion: [vendorVersion],
  });
}
