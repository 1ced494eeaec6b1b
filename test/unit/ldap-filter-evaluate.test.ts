import { parseFilterString } from '../../src/ldap/filter/compile';
import { FALSE, matcherOf, TRUE, UNDEFINED, type EvalContext, type Tri } from '../../src/ldap/filter/evaluate';

// A plain entry: lower-cased attribute name -> values. The evaluator only sees it through EvalContext.
type Plain = { dn: string; attrs: Record<string, string[]> };
const ctx: EvalContext<Plain> = {
  values: (e, a) => e.attrs[a],
  dn: (e) => e.dn,
  attributeNames: (e) => Object.keys(e.attrs),
};

const alice: Plain = {
  dn: 'uid=Alice,ou=People,dc=example,dc=com',
  attrs: {
    uid: ['alice'],
    cn: ['Alice  Émilie Smith'],
    sn: ['Smith'],
    mail: ['Alice.Smith@Example.COM'],
    uidnumber: ['10010'],
    gidnumber: ['5000'],
    useraccountcontrol: ['514'],
    createtimestamp: ['20260115090000Z'],
    memberuid: [],
    homedirectory: ['/home/Alice'],
    memberof: ['cn=Staff,ou=groups,dc=example,dc=com'],
  },
};

const run = (filter: string, entry: Plain = alice): Tri => matcherOf(parseFilterString(filter), ctx)(entry);

describe('filter evaluation: matching rules from the schema', () => {
  it.each([
    ['(uid=ALICE)', TRUE],
    ['(cn=alice émilie smith)', TRUE], // caseIgnore squashes inner spaces
    ['(mail=alice.smith@example.com)', TRUE],
    ['(homeDirectory=/home/alice)', FALSE], // caseExactIA5Match
    ['(homeDirectory=/home/Alice)', TRUE],
    ['(uidNumber=010010)', TRUE], // integerMatch compares numbers
    ['(uidNumber>=9999)', TRUE], // numeric, not string, ordering ("10010" < "9999" as strings)
    ['(uidNumber<=9999)', FALSE],
    ['(createTimestamp>=20260115080000Z)', TRUE],
    ['(createTimestamp>=202601151000+0100)', TRUE], // the same instant in another zone, minute precision
    ['(createTimestamp<=20260115085959Z)', FALSE],
    ['(memberOf=CN=staff, OU=Groups,DC=Example,DC=com)', TRUE], // distinguishedNameMatch
    ['(cn=*mILIE*)', TRUE],
    ['(cn=alice*smith)', TRUE],
    ['(cn=*smith*alice*)', FALSE], // substrings in order
    ['(sn=smi*th)', TRUE],
    ['(sn=smit*mith)', FALSE], // initial and final must not overlap
  ])('%s -> %s', (filter, expected) => {
    expect(run(filter)).toBe(expected);
  });

  it('approx (~=) folds case and accents, or matches words by Soundex', () => {
    expect(run('(cn~=alice emilie smith)')).toBe(TRUE);
    expect(run('(sn~=smyth)')).toBe(TRUE);
    expect(run('(sn~=jones)')).toBe(FALSE);
  });

  it('extensible match: BIT_AND, BIT_OR, explicit rules and dnAttributes', () => {
    expect(run('(userAccountControl:1.2.840.113556.1.4.803:=2)')).toBe(TRUE);
    expect(run('(userAccountControl:1.2.840.113556.1.4.803:=3)')).toBe(FALSE);
    expect(run('(userAccountControl:1.2.840.113556.1.4.804:=3)')).toBe(TRUE);
    expect(run('(uid:caseExactMatch:=Alice)')).toBe(FALSE);
    expect(run('(uid:caseExactMatch:=alice)')).toBe(TRUE);
    expect(run('(uid:=ALICE)')).toBe(TRUE); // no rule: the attribute's equality rule
    expect(run('(ou:dn:=people)')).toBe(TRUE); // matched against the DN's ou=People
    expect(run('(ou:=people)')).toBe(FALSE); // without :dn: only the entry's own ou counts
    expect(run('(:caseIgnoreMatch:=smith)')).toBe(TRUE); // no attribute: any attribute
  });
});

describe('filter evaluation: RFC 4511 three-valued logic', () => {
  it('an unknown attribute is Undefined, and so is its negation', () => {
    expect(run('(fooBar=1)')).toBe(UNDEFINED);
    expect(run('(!(fooBar=1))')).toBe(UNDEFINED);
  });

  it('presence of an unknown attribute is Undefined too (as OpenLDAP answers), of a known absent one FALSE', () => {
    expect(run('(fooBar=*)')).toBe(UNDEFINED);
    expect(run('(!(fooBar=*))')).toBe(UNDEFINED);
    expect(run('(description=*)')).toBe(FALSE);
    expect(run('(!(description=*))')).toBe(TRUE);
  });

  it('an assertion value invalid for the syntax is Undefined', () => {
    expect(run('(uidNumber=abc)')).toBe(UNDEFINED);
    expect(run('(createTimestamp>=yesterday)')).toBe(UNDEFINED);
  });

  it('ordering or substrings on attributes without such a rule are Undefined', () => {
    expect(run('(mail>=a)')).toBe(UNDEFINED);
    expect(run('(uidNumber=1*)')).toBe(UNDEFINED);
  });

  it('unknown matching rules are Undefined', () => {
    expect(run('(uid:1.2.3.4.5:=alice)')).toBe(UNDEFINED);
  });

  it('AND: FALSE wins over Undefined; OR: TRUE wins over Undefined', () => {
    expect(run('(&(fooBar=1)(uid=bob))')).toBe(FALSE);
    expect(run('(&(fooBar=1)(uid=alice))')).toBe(UNDEFINED);
    expect(run('(|(fooBar=1)(uid=alice))')).toBe(TRUE);
    expect(run('(|(fooBar=1)(uid=bob))')).toBe(UNDEFINED);
    expect(run('(!(|(fooBar=1)(uid=bob)))')).toBe(UNDEFINED);
  });
});
