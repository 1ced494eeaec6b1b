// Attribute values of a record, computed on read, and the rendering of a record into an LdapEntry.
import { createHash } from 'node:crypto';
import { transliterateToAscii } from '../../domain/username';
import { entryWriter, nameTlv, type EntryWriter } from '../ber/entry-writer';
import type { AttributeSelection, LdapEntry } from '../contract';
import { attributeType } from '../schema/attributes';
import { prepCaseIgnore, toGeneralizedTime } from '../schema/matching';
import { SUBSCHEMA_DN } from '../schema/subschema';
import type { GroupRec, PersonRec, Rec } from './records';
import type { ViewState } from './state';

const PERSON_CLASSES = ['top', 'person', 'organizationalPerson', 'inetOrgPerson', 'posixAccount', 'shadowAccount'];
const GROUP_CLASSES = ['top', 'groupOfNames', 'posixGroup'];

/** Attribute names per kind of record, in the order they are rendered (lower-cased keys). */
const PERSON_ATTRS = [
  'objectClass', 'uid', 'cn', 'sn', 'givenName', 'displayName', 'mail', 'title', 'departmentNumber',
  'employeeNumber', 'employeeType', 'manager', 'uidNumber', 'gidNumber', 'homeDirectory', 'loginShell',
  'gecos', 'shadowExpire', 'memberOf', 'sAMAccountName', 'userPrincipalName', 'objectGUID', 'userAccountControl',
  'entryUUID', 'createTimestamp', 'modifyTimestamp', 'entryDN', 'subschemaSubentry', 'hasSubordinates',
  'structuralObjectClass',
];
const GROUP_ATTRS = [
  'objectClass', 'cn', 'gidNumber', 'description', 'businessCategory', 'member', 'memberUid', 'memberOf', 'entryUUID',
  'createTimestamp', 'modifyTimestamp', 'entryDN', 'subschemaSubentry', 'hasSubordinates', 'structuralObjectClass',
];

const specs = (names: string[]) =>
  names.map((name) => ({ name, key: name.toLowerCase(), operational: attributeType(name)?.operational ?? false, tlv: nameTlv(name) }));
const PERSON_SPECS = specs(PERSON_ATTRS);
const GROUP_SPECS = specs(GROUP_ATTRS);

const one = (v: string | null | undefined): string[] | undefined => (v ? [v] : undefined);

/** Stable UUID-shaped id derived from a string (name-based, like UUIDv5 over SHA-1). */
export function derivedUuid(seed: string): string {
  const h = createHash('sha1').update(`idsync:${seed}`).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function entryUuidOf(identityId: string): string {
  return UUID.test(identityId) ? identityId.toLowerCase() : derivedUuid(identityId);
}

function personValues(s: ViewState, p: PersonRec, attr: string): string[] | undefined {
  switch (attr) {
    case 'objectclass': return PERSON_CLASSES;
    case 'uid':
    case 'samaccountname': return [p.username];
    case 'cn': return [p.cn];
    case 'sn': return [p.sn];
    case 'givenname': return one(p.givenName);
    case 'displayname': return one(p.displayName);
    case 'mail': return one(p.mail);
    case 'title': return one(p.title);
    case 'departmentnumber': return one(p.department);
    case 'employeenumber': return one(p.employeeId);
    case 'employeetype': return one(p.employeeType);
    case 'manager': return one(managerOf(s, p)?.dn);
    case 'uidnumber': return [String(p.uidNumber)];
    case 'gidnumber': return [s.primaryGidNumber];
    case 'homedirectory': return [s.o.homeDirectoryTemplate.replaceAll('{uid}', p.username)];
    case 'loginshell': return [s.o.loginShell];
    case 'gecos': return [transliterateToAscii(p.cn)];
    case 'shadowexpire': return p.state === 'active' ? undefined : ['1'];
    case 'memberof': return p.groupIds.map((id) => (s.recs.get(id) as GroupRec).dn);
    case 'userprincipalname': return [`${p.username}@${s.o.upnDomain}`];
    // The canonical string form; a server able to send binary values may encode it as 16 bytes.
    case 'objectguid': return [(p.memo.guid ??= derivedUuid(`guid:${p.identityId}`))];
    case 'useraccountcontrol': return [p.state === 'active' ? '512' : '514'];
    case 'entryuuid': return [entryUuidOf(p.identityId)];
    case 'createtimestamp': return [toGeneralizedTime(p.createdAt)];
    case 'modifytimestamp': return [toGeneralizedTime(p.updatedAt)];
    case 'entrydn': return [p.dn];
    case 'subschemasubentry': return [SUBSCHEMA_DN];
    case 'hassubordinates': return ['FALSE'];
    case 'structuralobjectclass': return ['inetOrgPerson'];
    default: return undefined;
  }
}

function groupValues(s: ViewState, g: GroupRec, attr: string): string[] | undefined {
  switch (attr) {
    case 'objectclass': return GROUP_CLASSES;
    case 'cn': return [g.name];
    case 'gidnumber': return [String(g.gidNumber)];
    case 'description': return one(g.description);
    case 'businesscategory': return one(g.provenance);
    case 'member':
      g.cache.member ??= [...g.memberIds, ...g.nestedIds].map((id) => s.recs.get(id)!.dn);
      return g.cache.member;
    case 'memberuid':
      g.cache.memberUid ??= g.memberIds.map((id) => (s.recs.get(id) as PersonRec).username);
      return g.cache.memberUid;
    case 'memberof': return g.parentIds.map((id) => s.recs.get(id)!.dn);
    case 'entryuuid': return [derivedUuid(`group:${g.name.toLowerCase()}`)];
    case 'createtimestamp':
    case 'modifytimestamp': return [toGeneralizedTime(g.createdAt)];
    case 'entrydn': return [g.dn];
    case 'subschemasubentry': return [SUBSCHEMA_DN];
    case 'hassubordinates': return ['FALSE'];
    case 'structuralobjectclass': return ['groupOfNames'];
    default: return undefined;
  }
}

/** Values of `attr` (canonical lower-cased name) in the record; undefined or [] when absent. */
export function valuesOf(s: ViewState, rec: Rec, attr: string): readonly string[] | undefined {
  if (rec.kind === 'person') return personValues(s, rec, attr);
  if (rec.kind === 'group') return groupValues(s, rec, attr);
  return rec.entry.attrs.get(attr)?.values;
}

/** Names of every attribute a record may hold, in render order. */
export function attributeNamesOf(rec: Rec): readonly string[] {
  if (rec.kind === 'person') return PERSON_ATTRS;
  if (rec.kind === 'group') return GROUP_ATTRS;
  return [...rec.entry.attrs.values()].map((a) => a.name);
}

export function managerOf(s: ViewState, p: PersonRec): PersonRec | undefined {
  if (!p.managerEmployeeId) return undefined;
  const id = s.employee.get(prepCaseIgnore(p.managerEmployeeId));
  return id === undefined ? undefined : (s.recs.get(id) as PersonRec);
}

export function renderEntry(s: ViewState, rec: Rec): LdapEntry {
  if (rec.kind !== 'person' && rec.kind !== 'group') return rec.entry;
  const attrs: LdapEntry['attrs'] = new Map();
  for (const { name, key, operational } of rec.kind === 'person' ? PERSON_SPECS : GROUP_SPECS) {
    const values = valuesOf(s, rec, key);
    if (!values || values.length === 0) continue;
    attrs.set(key, { name, values: values as string[], operational });
  }
  return { dn: rec.dn, ndn: rec.ndn, attrs };
}

/**
 * A record's selected attributes, straight to an encoded SearchResultEntry: only the attributes the
 * client asked for are computed (not the ~30 of a rendered entry), and no LdapEntry or Map is built.
 */
export function encodeRecord(s: ViewState, rec: Rec, sel: AttributeSelection, messageId: number): Buffer {
  return writeRecord(s, rec, sel).finish(messageId);
}

/** encodeRecord without the message envelope: the SearchResultEntry protocolOp alone. */
export function encodeRecordBody(s: ViewState, rec: Rec, sel: AttributeSelection, alloc?: (size: number) => Buffer): Buffer {
  return writeRecord(s, rec, sel).finishBody(alloc);
}

function writeRecord(s: ViewState, rec: Rec, sel: AttributeSelection): EntryWriter {
  const w = entryWriter.begin(rec.dn);
  if (sel.none) return w;
  if (rec.kind === 'person' || rec.kind === 'group') {
    const plan = planOf(sel);
    for (const spec of rec.kind === 'person' ? plan.person : plan.group) {
      const values = valuesOf(s, rec, spec.key);
      if (values && values.length > 0) w.attr(spec.tlv, values, sel.typesOnly);
    }
  } else {
    for (const [key, attr] of rec.entry.attrs) {
      if (!(sel.wanted.has(key) || (attr.operational ? sel.allOperational : sel.allUser))) continue;
      if (attr.values.length > 0) w.attr(nameTlv(attr.name), attr.values, sel.typesOnly);
    }
  }
  return w;
}

type Spec = (typeof PERSON_SPECS)[number];
const plans = new WeakMap<AttributeSelection, { person: Spec[]; group: Spec[] }>();

/** The attributes a selection picks from people and groups, worked out once per selection. */
function planOf(sel: AttributeSelection): { person: Spec[]; group: Spec[] } {
  let plan = plans.get(sel);
  if (!plan) {
    const picks = (spec: Spec): boolean => sel.wanted.has(spec.key) || (spec.operational ? sel.allOperational : sel.allUser);
    plan = { person: PERSON_SPECS.filter(picks), group: GROUP_SPECS.filter(picks) };
    plans.set(sel, plan);
  }
  return plan;
}
