// The subschema entry (RFC 4512 4.2): attributeTypes and objectClasses for everything the view
// serves, generated from the same tables that drive matching, plus the matching rules and syntaxes
// they reference.
import type { LdapEntry } from '../contract';
import { ATTRIBUTE_TYPES, SYNTAX, type AttributeType } from './attributes';

export const SUBSCHEMA_DN = 'cn=Subschema';

interface ObjectClassDef {
  name: string;
  oid: string;
  sup?: string;
  kind: 'ABSTRACT' | 'STRUCTURAL' | 'AUXILIARY';
  must?: string[];
  may?: string[];
  desc?: string;
}

// MAY lists are limited to what the view serves. posixGroup is declared AUXILIARY (as rfc2307bis
// does) because group entries carry it beside the structural groupOfNames.
export const OBJECT_CLASSES: readonly ObjectClassDef[] = [
  { name: 'top', oid: '2.5.6.0', kind: 'ABSTRACT', must: ['objectClass'] },
  { name: 'dcObject', oid: '1.3.6.1.4.1.1466.344', sup: 'top', kind: 'AUXILIARY', must: ['dc'] },
  { name: 'organization', oid: '2.5.6.4', sup: 'top', kind: 'STRUCTURAL', must: ['o'], may: ['description'] },
  { name: 'organizationalUnit', oid: '2.5.6.5', sup: 'top', kind: 'STRUCTURAL', must: ['ou'], may: ['description'] },
  { name: 'person', oid: '2.5.6.6', sup: 'top', kind: 'STRUCTURAL', must: ['sn', 'cn'], may: ['description'] },
  { name: 'organizationalPerson', oid: '2.5.6.7', sup: 'person', kind: 'STRUCTURAL', may: ['title', 'ou'] },
  {
    name: 'inetOrgPerson',
    oid: '2.16.840.1.113730.3.2.2',
    sup: 'organizationalPerson',
    kind: 'STRUCTURAL',
    may: ['departmentNumber', 'displayName', 'employeeNumber', 'employeeType', 'givenName', 'mail', 'manager', 'uid'],
  },
  {
    name: 'posixAccount',
    oid: '1.3.6.1.1.1.2.0',
    sup: 'top',
    kind: 'AUXILIARY',
    must: ['cn', 'uid', 'uidNumber', 'gidNumber', 'homeDirectory'],
    may: ['loginShell', 'gecos', 'description'],
  },
  { name: 'shadowAccount', oid: '1.3.6.1.1.1.2.1', sup: 'top', kind: 'AUXILIARY', must: ['uid'], may: ['shadowExpire', 'description'] },
  { name: 'groupOfNames', oid: '2.5.6.9', sup: 'top', kind: 'STRUCTURAL', must: ['member', 'cn'], may: ['businessCategory', 'description', 'o', 'ou'] },
  { name: 'posixGroup', oid: '1.3.6.1.1.1.2.2', sup: 'top', kind: 'AUXILIARY', must: ['cn', 'gidNumber'], may: ['memberUid', 'description'] },
  { name: 'applicationProcess', oid: '2.5.6.11', sup: 'top', kind: 'STRUCTURAL', must: ['cn'], may: ['description', 'ou'] },
  { name: 'subentry', oid: '2.5.17.0', sup: 'top', kind: 'STRUCTURAL', must: ['cn'] },
  {
    name: 'subschema',
    oid: '2.5.20.1',
    kind: 'AUXILIARY',
    may: ['attributeTypes', 'objectClasses', 'matchingRules', 'ldapSyntaxes'],
  },
  { name: 'extensibleObject', oid: '1.3.6.1.4.1.1466.101.120.111', sup: 'top', kind: 'AUXILIARY' },
];

const MATCHING_RULES: [string, string, string][] = [
  ['2.5.13.0', 'objectIdentifierMatch', SYNTAX.oid],
  ['2.5.13.1', 'distinguishedNameMatch', SYNTAX.dn],
  ['2.5.13.2', 'caseIgnoreMatch', SYNTAX.directoryString],
  ['2.5.13.4', 'caseIgnoreSubstringsMatch', '1.3.6.1.4.1.1466.115.121.1.58'],
  ['2.5.13.5', 'caseExactMatch', SYNTAX.directoryString],
  ['2.5.13.13', 'booleanMatch', SYNTAX.boolean],
  ['2.5.13.14', 'integerMatch', SYNTAX.integer],
  ['2.5.13.15', 'integerOrderingMatch', SYNTAX.integer],
  ['2.5.13.17', 'octetStringMatch', SYNTAX.octetString],
  ['2.5.13.27', 'generalizedTimeMatch', SYNTAX.generalizedTime],
  ['2.5.13.28', 'generalizedTimeOrderingMatch', SYNTAX.generalizedTime],
  ['2.5.13.30', 'objectIdentifierFirstComponentMatch', SYNTAX.oid],
  ['1.3.6.1.4.1.1466.109.114.1', 'caseExactIA5Match', SYNTAX.ia5String],
  ['1.3.6.1.4.1.1466.109.114.2', 'caseIgnoreIA5Match', SYNTAX.ia5String],
  ['1.3.6.1.4.1.1466.109.114.3', 'caseIgnoreIA5SubstringsMatch', '1.3.6.1.4.1.1466.115.121.1.58'],
  ['1.3.6.1.4.1.4203.1.2.1', 'caseExactIA5SubstringsMatch', '1.3.6.1.4.1.1466.115.121.1.58'],
  ['1.3.6.1.1.16.2', 'UUIDMatch', SYNTAX.uuid],
  ['1.3.6.1.1.16.3', 'UUIDOrderingMatch', SYNTAX.uuid],
  ['1.2.840.113556.1.4.803', 'bitAndMatch', SYNTAX.integer],
  ['1.2.840.113556.1.4.804', 'bitOrMatch', SYNTAX.integer],
  ['1.2.840.113556.1.4.1941', 'inChainMatch', SYNTAX.dn],
];

const SYNTAX_NAMES: [string, string][] = [
  [SYNTAX.directoryString, 'Directory String'],
  [SYNTAX.ia5String, 'IA5 String'],
  [SYNTAX.integer, 'INTEGER'],
  [SYNTAX.dn, 'Distinguished Name'],
  [SYNTAX.generalizedTime, 'Generalized Time'],
  [SYNTAX.oid, 'OID'],
  [SYNTAX.boolean, 'Boolean'],
  [SYNTAX.uuid, 'UUID'],
  [SYNTAX.octetString, 'Octet String'],
  ['1.3.6.1.4.1.1466.115.121.1.58', 'Substring Assertion'],
  [SYNTAX.attributeTypeDescription, 'Attribute Type Description'],
  [SYNTAX.objectClassDescription, 'Object Class Description'],
  [SYNTAX.matchingRuleDescription, 'Matching Rule Description'],
  [SYNTAX.syntaxDescription, 'LDAP Syntax Description'],
];

const quoted = (names: string[]): string => (names.length === 1 ? `'${names[0]}'` : `( ${names.map((n) => `'${n}'`).join(' ')} )`);
const oids = (names: string[]): string => (names.length === 1 ? names[0] : `( ${names.join(' $ ')} )`);

export function attributeTypeDescription(t: AttributeType): string {
  const parts = [`( ${t.oid}`, `NAME ${quoted([t.name, ...(t.aliases ?? [])])}`];
  if (t.desc) parts.push(`DESC '${t.desc}'`);
  if (t.equality) parts.push(`EQUALITY ${t.equality}`);
  if (t.ordering) parts.push(`ORDERING ${t.ordering}`);
  if (t.substr) parts.push(`SUBSTR ${t.substr}`);
  parts.push(`SYNTAX ${t.syntax}`);
  if (t.singleValue) parts.push('SINGLE-VALUE');
  if (t.noUserModification) parts.push('NO-USER-MODIFICATION');
  if (t.usage) parts.push(`USAGE ${t.usage}`);
  return `${parts.join(' ')} )`;
}

export function objectClassDescription(c: ObjectClassDef): string {
  const parts = [`( ${c.oid}`, `NAME '${c.name}'`];
  if (c.desc) parts.push(`DESC '${c.desc}'`);
  if (c.sup) parts.push(`SUP ${c.sup}`);
  parts.push(c.kind);
  if (c.must?.length) parts.push(`MUST ${oids(c.must)}`);
  if (c.may?.length) parts.push(`MAY ${oids(c.may)}`);
  return `${parts.join(' ')} )`;
}

let cached: LdapEntry | null = null;

/** The subschema entry; immutable, built once. */
export function subschemaEntry(): LdapEntry {
  if (cached) return cached;
  const attrs: LdapEntry['attrs'] = new Map();
  const put = (name: string, values: string[], operational: boolean): void => {
    attrs.set(name.toLowerCase(), { name, values, operational });
  };
  put('objectClass', ['top', 'subentry', 'subschema', 'extensibleObject'], false);
  put('cn', ['Subschema'], false);
  put('attributeTypes', ATTRIBUTE_TYPES.map(attributeTypeDescription), true);
  put('objectClasses', OBJECT_CLASSES.map(objectClassDescription), true);
  put('matchingRules', MATCHING_RULES.map(([oid, name, syntax]) => `( ${oid} NAME '${name}' SYNTAX ${syntax} )`), true);
  put('ldapSyntaxes', SYNTAX_NAMES.map(([oid, desc]) => `( ${oid} DESC '${desc}' )`), true);
  put('structuralObjectClass', ['subentry'], true);
  put('entryDN', [SUBSCHEMA_DN], true);
  put('subschemaSubentry', [SUBSCHEMA_DN], true);
  put('createTimestamp', ['20260101000000Z'], true);
  put('modifyTimestamp', ['20260101000000Z'], true);
  cached = { dn: SUBSCHEMA_DN, ndn: 'cn=subschema', attrs };
  return cached;
}
