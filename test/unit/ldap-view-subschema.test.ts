import { ATTRIBUTE_TYPES, attributeType } from '../../src/ldap/schema/attributes';
import { OBJECT_CLASSES, subschemaEntry } from '../../src/ldap/schema/subschema';
import { buildSnapshot } from '../../src/ldap/view/snapshot';
import { generateDirectory } from '../../scripts/lib/gen-directory';

const entry = subschemaEntry();
const values = (name: string) => entry.attrs.get(name.toLowerCase())!.values;

/** Field values of an RFC 4512 description: `NAME ( 'a' 'b' )`, `MUST ( x $ y )`, `SYNTAX oid`. */
function field(desc: string, key: string): string[] {
  const m = new RegExp(`\\b${key} (\\( [^)]* \\)|'[^']*'|\\S+)`).exec(desc);
  if (!m) return [];
  return m[1].replace(/[()']/g, ' ').split(/[\s$]+/).filter(Boolean);
}

describe('subschema entry (RFC 4512)', () => {
  it('is cn=Subschema with the subschema object class and operational schema attributes', () => {
    expect(entry.dn).toBe('cn=Subschema');
    expect(values('objectClass')).toContain('subschema');
    expect(entry.attrs.get('attributetypes')!.operational).toBe(true);
  });

  it('writes every description as ( numericoid NAME ... ) with balanced parentheses', () => {
    for (const d of [...values('attributeTypes'), ...values('objectClasses'), ...values('matchingRules'), ...values('ldapSyntaxes')]) {
      expect(d).toMatch(/^\( \d+(\.\d+)+ .* \)$/);
      expect(d.split('(').length).toBe(d.split(')').length);
    }
  });

  it('defines every attribute an object class names, every superclass, rule and syntax it references', () => {
    const attrNames = new Set(values('attributeTypes').flatMap((d) => field(d, 'NAME').map((n) => n.toLowerCase())));
    const classNames = new Set(values('objectClasses').flatMap((d) => field(d, 'NAME').map((n) => n.toLowerCase())));
    const rules = new Set(values('matchingRules').flatMap((d) => field(d, 'NAME')));
    const syntaxes = new Set(values('ldapSyntaxes').map((d) => d.split(' ')[1]));
    for (const d of values('objectClasses')) {
      for (const a of [...field(d, 'MUST'), ...field(d, 'MAY')]) expect(attrNames).toContain(a.toLowerCase());
      for (const sup of field(d, 'SUP')) expect(classNames).toContain(sup.toLowerCase());
    }
    for (const d of values('attributeTypes')) {
      for (const r of [...field(d, 'EQUALITY'), ...field(d, 'ORDERING'), ...field(d, 'SUBSTR')]) expect(rules).toContain(r);
      expect(syntaxes).toContain(field(d, 'SYNTAX')[0]);
    }
  });

  it('uses the standard and Microsoft OIDs', () => {
    expect(attributeType('uid')!.oid).toBe('0.9.2342.19200300.100.1.1');
    expect(attributeType('uidNumber')!.oid).toBe('1.3.6.1.1.1.1.0');
    expect(attributeType('memberOf')!.oid).toBe('1.2.840.113556.1.2.102');
    expect(attributeType('sAMAccountName')!.oid).toBe('1.2.840.113556.1.4.221');
    expect(attributeType('userAccountControl')!.oid).toBe('1.2.840.113556.1.4.8');
    expect(new Set(ATTRIBUTE_TYPES.map((t) => t.oid)).size).toBe(ATTRIBUTE_TYPES.length);
  });

  it('covers every attribute and object class the view serves', () => {
    const data = generateDirectory(50, 25, 4);
    const snap = buildSnapshot(data.identities, data.groups, { baseDN: 'dc=example,dc=com', serviceAccounts: ['app'] });
    const classes = new Set(OBJECT_CLASSES.map((c) => c.name.toLowerCase()));
    for (const e of snap.search({ base: 'dc=example,dc=com', scope: 'sub', filter: { type: 'true' } })!) {
      for (const [key, attr] of e.attrs) {
        expect(attributeType(key)?.name).toBe(attr.name);
        expect(attr.operational).toBe(attributeType(key)!.operational);
      }
      for (const c of e.attrs.get('objectclass')!.values) expect(classes).toContain(c.toLowerCase());
    }
  });
});
