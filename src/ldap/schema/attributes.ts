// The attribute table: one row per attribute the view serves. It drives three things at once, so they
// can never disagree: the subschema entry, the matching rules the filter evaluator applies, and the
// operational flag attribute selection uses for `*` / `+`.

export const SYNTAX = {
  directoryString: '1.3.6.1.4.1.1466.115.121.1.15',
  ia5String: '1.3.6.1.4.1.1466.115.121.1.26',
  integer: '1.3.6.1.4.1.1466.115.121.1.27',
  dn: '1.3.6.1.4.1.1466.115.121.1.12',
  generalizedTime: '1.3.6.1.4.1.1466.115.121.1.24',
  oid: '1.3.6.1.4.1.1466.115.121.1.38',
  boolean: '1.3.6.1.4.1.1466.115.121.1.7',
  uuid: '1.3.6.1.1.16.1',
  octetString: '1.3.6.1.4.1.1466.115.121.1.40',
  attributeTypeDescription: '1.3.6.1.4.1.1466.115.121.1.3',
  objectClassDescription: '1.3.6.1.4.1.1466.115.121.1.37',
  matchingRuleDescription: '1.3.6.1.4.1.1466.115.121.1.30',
  syntaxDescription: '1.3.6.1.4.1.1466.115.121.1.54',
} as const;

/** How values of one attribute compare; each kind maps to one normaliser in matching.ts. */
export type EqualityKind = 'caseIgnore' | 'caseExact' | 'integer' | 'dn' | 'time' | 'oid' | 'boolean' | 'uuid' | 'octet';

export interface AttributeType {
  name: string;
  oid: string;
  aliases?: string[];
  desc?: string;
  syntax: string;
  /** RFC 4517 rule name, as published in the subschema */
  equality: string | null;
  ordering: string | null;
  substr: string | null;
  /** which normaliser the evaluator uses; null = no equality rule (equality filters are Undefined) */
  kind: EqualityKind | null;
  singleValue: boolean;
  operational: boolean;
  /** RFC 4512 USAGE for operational attributes */
  usage?: 'directoryOperation' | 'dSAOperation';
  noUserModification?: boolean;
}

const ci = { equality: 'caseIgnoreMatch', ordering: null, substr: 'caseIgnoreSubstringsMatch', kind: 'caseIgnore' as const };
const ciIa5 = { equality: 'caseIgnoreIA5Match', ordering: null, substr: 'caseIgnoreIA5SubstringsMatch', kind: 'caseIgnore' as const };
const ceIa5 = { equality: 'caseExactIA5Match', ordering: null, substr: 'caseExactIA5SubstringsMatch', kind: 'caseExact' as const };
const int = { equality: 'integerMatch', ordering: 'integerOrderingMatch', substr: null, kind: 'integer' as const };
const dn = { equality: 'distinguishedNameMatch', ordering: null, substr: null, kind: 'dn' as const };
const time = { equality: 'generalizedTimeMatch', ordering: 'generalizedTimeOrderingMatch', substr: null, kind: 'time' as const };

type Row = Omit<AttributeType, 'singleValue' | 'operational'> & { singleValue?: boolean; operational?: boolean };

const ROWS: Row[] = [
  { name: 'objectClass', oid: '2.5.4.0', syntax: SYNTAX.oid, equality: 'objectIdentifierMatch', ordering: null, substr: null, kind: 'oid' },
  { name: 'cn', oid: '2.5.4.3', aliases: ['commonName'], syntax: SYNTAX.directoryString, ...ci },
  { name: 'sn', oid: '2.5.4.4', aliases: ['surname'], syntax: SYNTAX.directoryString, ...ci },
  { name: 'givenName', oid: '2.5.4.42', aliases: ['gn'], syntax: SYNTAX.directoryString, ...ci },
  { name: 'displayName', oid: '2.16.840.1.113730.3.1.241', syntax: SYNTAX.directoryString, ...ci, singleValue: true },
  { name: 'title', oid: '2.5.4.12', syntax: SYNTAX.directoryString, ...ci },
  { name: 'description', oid: '2.5.4.13', syntax: SYNTAX.directoryString, ...ci },
  { name: 'businessCategory', oid: '2.5.4.15', syntax: SYNTAX.directoryString, ...ci },
  { name: 'o', oid: '2.5.4.10', aliases: ['organizationName'], syntax: SYNTAX.directoryString, ...ci },
  { name: 'ou', oid: '2.5.4.11', aliases: ['organizationalUnitName'], syntax: SYNTAX.directoryString, ...ci },
  { name: 'dc', oid: '0.9.2342.19200300.100.1.25', aliases: ['domainComponent'], syntax: SYNTAX.ia5String, ...ciIa5, singleValue: true },
  { name: 'uid', oid: '0.9.2342.19200300.100.1.1', aliases: ['userid'], syntax: SYNTAX.directoryString, ...ci },
  { name: 'mail', oid: '0.9.2342.19200300.100.1.3', aliases: ['rfc822Mailbox'], syntax: SYNTAX.ia5String, ...ciIa5 },
  { name: 'departmentNumber', oid: '2.16.840.1.113730.3.1.2', syntax: SYNTAX.directoryString, ...ci },
  { name: 'employeeNumber', oid: '2.16.840.1.113730.3.1.3', syntax: SYNTAX.directoryString, ...ci, singleValue: true },
  { name: 'employeeType', oid: '2.16.840.1.113730.3.1.4', syntax: SYNTAX.directoryString, ...ci },
  { name: 'manager', oid: '0.9.2342.19200300.100.1.10', syntax: SYNTAX.dn, ...dn },
  { name: 'uidNumber', oid: '1.3.6.1.1.1.1.0', syntax: SYNTAX.integer, ...int, singleValue: true },
  { name: 'gidNumber', oid: '1.3.6.1.1.1.1.1', syntax: SYNTAX.integer, ...int, singleValue: true },
  { name: 'gecos', oid: '1.3.6.1.1.1.1.2', syntax: SYNTAX.ia5String, ...ciIa5, singleValue: true },
  { name: 'homeDirectory', oid: '1.3.6.1.1.1.1.3', syntax: SYNTAX.ia5String, ...ceIa5, substr: null, singleValue: true },
  { name: 'loginShell', oid: '1.3.6.1.1.1.1.4', syntax: SYNTAX.ia5String, ...ceIa5, substr: null, singleValue: true },
  { name: 'shadowExpire', oid: '1.3.6.1.1.1.1.10', syntax: SYNTAX.integer, ...int, singleValue: true },
  // RFC 2307 makes memberUid case-exact; we follow it so answers equal slapd's (the differential test).
  { name: 'memberUid', oid: '1.3.6.1.1.1.1.12', syntax: SYNTAX.ia5String, ...ceIa5 },
  { name: 'member', oid: '2.5.4.31', syntax: SYNTAX.dn, ...dn },
  // AD attributes keep their Microsoft OIDs. memberOf is a user attribute here (as in AD), so `*` returns it.
  { name: 'memberOf', oid: '1.2.840.113556.1.2.102', syntax: SYNTAX.dn, ...dn },
  { name: 'sAMAccountName', oid: '1.2.840.113556.1.4.221', syntax: SYNTAX.directoryString, ...ci, singleValue: true },
  { name: 'userPrincipalName', oid: '1.2.840.113556.1.4.656', syntax: SYNTAX.directoryString, ...ci, singleValue: true },
  { name: 'objectGUID', oid: '1.2.840.113556.1.4.2', syntax: SYNTAX.octetString, equality: 'octetStringMatch', ordering: null, substr: null, kind: 'octet', singleValue: true },
  { name: 'userAccountControl', oid: '1.2.840.113556.1.4.8', syntax: SYNTAX.integer, ...int, singleValue: true },
  // operational
  { name: 'entryUUID', oid: '1.3.6.1.1.16.4', syntax: SYNTAX.uuid, equality: 'UUIDMatch', ordering: 'UUIDOrderingMatch', substr: null, kind: 'uuid', singleValue: true, operational: true, usage: 'directoryOperation', noUserModification: true },
  { name: 'createTimestamp', oid: '2.5.18.1', syntax: SYNTAX.generalizedTime, ...time, singleValue: true, operational: true, usage: 'directoryOperation', noUserModification: true },
  { name: 'modifyTimestamp', oid: '2.5.18.2', syntax: SYNTAX.generalizedTime, ...time, singleValue: true, operational: true, usage: 'directoryOperation', noUserModification: true },
  { name: 'entryDN', oid: '1.3.6.1.1.20', syntax: SYNTAX.dn, ...dn, singleValue: true, operational: true, usage: 'directoryOperation', noUserModification: true },
  { name: 'subschemaSubentry', oid: '2.5.18.10', syntax: SYNTAX.dn, ...dn, singleValue: true, operational: true, usage: 'directoryOperation', noUserModification: true },
  { name: 'hasSubordinates', oid: '2.5.18.9', syntax: SYNTAX.boolean, equality: 'booleanMatch', ordering: null, substr: null, kind: 'boolean', singleValue: true, operational: true, usage: 'directoryOperation', noUserModification: true },
  { name: 'structuralObjectClass', oid: '2.5.21.9', syntax: SYNTAX.oid, equality: 'objectIdentifierMatch', ordering: null, substr: null, kind: 'oid', singleValue: true, operational: true, usage: 'directoryOperation', noUserModification: true },
  { name: 'attributeTypes', oid: '2.5.21.5', syntax: SYNTAX.attributeTypeDescription, equality: 'objectIdentifierFirstComponentMatch', ordering: null, substr: null, kind: null, operational: true, usage: 'directoryOperation' },
  { name: 'objectClasses', oid: '2.5.21.6', syntax: SYNTAX.objectClassDescription, equality: 'objectIdentifierFirstComponentMatch', ordering: null, substr: null, kind: null, operational: true, usage: 'directoryOperation' },
  { name: 'matchingRules', oid: '2.5.21.4', syntax: SYNTAX.matchingRuleDescription, equality: 'objectIdentifierFirstComponentMatch', ordering: null, substr: null, kind: null, operational: true, usage: 'directoryOperation' },
  { name: 'ldapSyntaxes', oid: '1.3.6.1.4.1.1466.101.120.16', syntax: SYNTAX.syntaxDescription, equality: 'objectIdentifierFirstComponentMatch', ordering: null, substr: null, kind: null, operational: true, usage: 'directoryOperation' },
];

export const ATTRIBUTE_TYPES: readonly AttributeType[] = ROWS.map((r) => ({
  singleValue: false,
  operational: false,
  ...r,
}));

const byKey = new Map<string, AttributeType>();
for (const t of ATTRIBUTE_TYPES) {
  for (const key of [t.name, t.oid, ...(t.aliases ?? [])]) byKey.set(key.toLowerCase(), t);
}

/** Looks an attribute up by name, alias or OID, case-insensitively; options (`;lang-en`) are ignored. */
export function attributeType(nameOrOid: string): AttributeType | undefined {
  const semi = nameOrOid.indexOf(';');
  const bare = semi >= 0 ? nameOrOid.slice(0, semi) : nameOrOid;
  return byKey.get(bare.toLowerCase());
}
