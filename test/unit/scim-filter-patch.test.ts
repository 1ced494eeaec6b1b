// The inbound SCIM filter and PATCH parsers on their own: the grammar of RFC 7644 §3.4.2.2 and
// §3.5.2, the spellings real clients use, and the refusals that name where a request went wrong.
import { matches, parseFilter } from '../../src/inbound/scim/filter';
import { applyPatch, PATCH_SCHEMA } from '../../src/inbound/scim/patch';
import { ScimError } from '../../src/inbound/scim/errors';
import { activeOf } from '../../src/inbound/scim/users';
import { USER_MULTI_VALUED } from '../../src/inbound/scim/users';
import { GROUP_MULTI_VALUED } from '../../src/inbound/scim/groups';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const user = {
  id: 'U1',
  userName: 'Ada.Lovelace@Example.com',
  externalId: 'Ext-1',
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [{ value: 'ada@example.com', type: 'work', primary: true }, { value: 'ada@home.test', type: 'home' }],
  active: true,
  [ENTERPRISE]: { employeeNumber: '1001', manager: { value: 'M1' } },
};

function scimError(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScimError) return err;
    throw err;
  }
  throw new Error('expected a ScimError');
}

describe('SCIM filter', () => {
  it.each([
    ['userName eq "ada.lovelace@example.com"', true],
    ['USERNAME EQ "ADA.LOVELACE@EXAMPLE.COM"', true],
    ['externalId eq "ext-1"', false],
    ['externalId eq "Ext-1"', true],
    ['emails[type eq "work" and value co "ada"]', true],
    ['emails.value ew "home.test"', true],
    [`${ENTERPRISE}:employeeNumber eq "1001"`, true],
    [`${ENTERPRISE}:manager.value eq "M1"`, true],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName sw "ada"', true],
    ['not (active eq true) or name.familyName pr', true],
    ['active eq false', false],
    ['title pr', false],
    ['userName eq "a" or (userName eq "b" and active eq true)', false],
  ])('%s -> %s', (text, expected) => {
    expect(matches(parseFilter(text), user)).toBe(expected);
  });

  it.each([
    ['userName eq', /ends where a value was expected/],
    ['userName like "x"', /"like" at character 10 is not an operator/],
    ['userName eq "x" and', /ends where an attribute name was expected/],
    ['(userName eq "x"', /ends where "\)" was expected/],
    ['userName eq "unterminated', /unterminated string starting at character 13/],
    ['userName eq x', /expected a quoted string, number, true, false or null at character 13/],
    ['userName eq "x" garbage', /unexpected "garbage" at character 17/],
    ['a.b.c eq "x"', /"a.b.c" at character 1 is not an attribute path/],
    [`${'('.repeat(40)}userName pr${')'.repeat(40)}`, /deeper than 16 levels/],
  ])('refuses %s with invalidFilter', (text, message) => {
    const err = scimError(() => parseFilter(text));
    expect(err).toMatchObject({ status: 400, scimType: 'invalidFilter' });
    expect(err.message).toMatch(message);
  });
});

describe('SCIM PATCH', () => {
  const opts = { multiValued: USER_MULTI_VALUED, extensions: [ENTERPRISE] };
  const patch = (resource: Record<string, unknown>, ...ops: unknown[]) => applyPatch(resource, { schemas: [PATCH_SCHEMA], Operations: ops }, opts);

  it('takes Entra\'s capitalised ops and leaves the input untouched', () => {
    const out = patch(user, { op: 'Replace', path: 'displayName', value: 'Ada L.' }, { op: 'Remove', path: 'name.givenName' }, { op: 'Add', path: 'title', value: 'Countess' });
    expect(out).toMatchObject({ displayName: 'Ada L.', title: 'Countess', name: { familyName: 'Lovelace' } });
    expect(out.name).not.toHaveProperty('givenName');
    expect(user.name.givenName).toBe('Ada');
  });

  it('replaces through a value filter, and creates the element the filter names when there is none', () => {
    const out = patch(user, { op: 'replace', path: 'emails[type eq "work"].value', value: 'new@example.com' }, { op: 'replace', path: 'emails[type eq "other"].value', value: 'o@example.com' });
    expect(out.emails).toEqual([
      { value: 'new@example.com', type: 'work', primary: true },
      { value: 'ada@home.test', type: 'home' },
      { type: 'other', value: 'o@example.com' },
    ]);
  });

  it('applies path-less values whose keys are paths or an extension object (Okta and Entra both send them)', () => {
    const out = patch(user, { op: 'replace', value: { active: false, 'name.familyName': 'King', [`${ENTERPRISE}:department`]: 'Maths', [ENTERPRISE]: { employeeNumber: '2002' } } });
    expect(out).toMatchObject({ active: false, name: { givenName: 'Ada', familyName: 'King' }, [ENTERPRISE]: { employeeNumber: '2002', department: 'Maths', manager: { value: 'M1' } } });
  });

  it('adds members without duplicates and removes them by value list or value filter', () => {
    const group = { displayName: 'G', members: [{ value: 'A' }] };
    const gopts = { multiValued: GROUP_MULTI_VALUED, extensions: [] };
    const p = (g: Record<string, unknown>, ...ops: unknown[]) => applyPatch(g, { schemas: [PATCH_SCHEMA], Operations: ops }, gopts);
    const added = p(group, { op: 'Add', path: 'members', value: [{ value: 'A' }, { value: 'B' }, { value: 'C' }] });
    expect(added.members).toEqual([{ value: 'A' }, { value: 'B' }, { value: 'C' }]);
    const removed = p(added, { op: 'Remove', path: 'members', value: [{ value: 'A' }] }, { op: 'remove', path: 'members[value eq "C"]' });
    expect(removed.members).toEqual([{ value: 'B' }]);
  });

  it.each([
    [{ op: 'merge', path: 'title', value: 'x' }, 'invalidSyntax', /Operations\[0\]: op "merge" is not add, remove or replace/],
    [{ op: 'remove' }, 'noTarget', /Operations\[0\]: remove needs a path/],
    [{ op: 'replace', path: 'emails.value', value: 'x' }, 'invalidPath', /needs a value filter/],
    [{ op: 'replace', path: 'emails[type eq "work"', value: 'x' }, 'invalidPath', /not a valid value-filtered path/],
    [{ op: 'replace', path: 'emails[type eq]', value: 'x' }, 'invalidFilter', /ends where a value was expected/],
    [{ op: 'add', path: 'title' }, 'invalidValue', /add needs a value/],
  ])('refuses %j', (op, scimType, message) => {
    const err = scimError(() => patch(user, op));
    expect(err).toMatchObject({ status: 400, scimType });
    expect(err.message).toMatch(message);
  });

  it('refuses a body that is not a PatchOp', () => {
    expect(scimError(() => applyPatch(user, { Operations: [] }, opts)).message).toMatch(/schemas must include/);
    expect(scimError(() => applyPatch(user, { schemas: [PATCH_SCHEMA], Operations: [] }, opts)).message).toMatch(/non-empty list/);
  });
});

describe('active', () => {
  it.each([[true, true], [false, false], ['False', false], ['TRUE', true], [' false ', false], [undefined, true]])('%j -> %s', (v, expected) => {
    expect(activeOf(v === undefined ? {} : { active: v })).toBe(expected);
  });

  it.each([['no'], [0], [{}]])('refuses %j', (v) => {
    expect(scimError(() => activeOf({ active: v }))).toMatchObject({ status: 400, scimType: 'invalidValue' });
  });
});
