// Join rules: every form a source's `join` list accepts, how each compares, and the config errors.
import { CorrelationIndex, correlate } from '../../src/domain/correlation';
import { joinKey, resolveJoinRule, resolveJoinRules, type JoinRuleSpec } from '../../src/domain/join-rules';
import { validateSourceConfig, type SourceConfig } from '../../src/connectors/sources';
import { unmappedJoinRules } from '../../src/connectors/sources/join-attributes';
import { configProblems } from '../helpers/test-config';

const problemsOf = (sourceLines: string[]): string[] => configProblems(['store: { kind: memory }', 'sources:', ...sourceLines].join('\n'));

describe('join rule forms', () => {
  it('resolves each shorthand to its attribute and comparison', () => {
    expect(resolveJoinRules(['employeeId', 'mail', 'upn', 'login'])).toEqual([
      { attribute: 'employeeId', caseInsensitive: false, name: 'employeeId' },
      { attribute: 'mail', caseInsensitive: true, name: 'mail' },
      { attribute: 'upn', caseInsensitive: true, name: 'upn' },
      { attribute: 'login', caseInsensitive: true, name: 'login' },
    ]);
  });

  it('resolves the object form; one meaning the same as a shorthand is named like it', () => {
    expect(resolveJoinRule({ attribute: 'mail', caseInsensitive: true })).toEqual({ attribute: 'mail', caseInsensitive: true, name: 'mail' });
    expect(resolveJoinRule({ attribute: 'mail' })).toEqual({ attribute: 'mail', caseInsensitive: false, name: 'mail (exact)' });
    expect(resolveJoinRule({ attribute: 'employeeId', caseInsensitive: true })).toEqual({ attribute: 'employeeId', caseInsensitive: true, name: 'employeeId (case-insensitive)' });
    expect(resolveJoinRule({ attribute: 'costCenter' })).toEqual({ attribute: 'costCenter', caseInsensitive: false, name: 'costCenter (exact)' });
  });

  it('refuses a rule name it does not know', () => {
    expect(() => resolveJoinRule('email' as JoinRuleSpec)).toThrow('unknown join rule "email"');
  });
});

describe('join keys', () => {
  it('trims and composes (NFC) for every rule, so the same text exported differently matches', () => {
    expect(joinKey('  E1001\t', false)).toBe('E1001');
    expect(joinKey('Jose\u0301', false)).toBe('Jos\u00e9');
    expect(joinKey('   ', false)).toBeNull();
    expect(joinKey(null, true)).toBeNull();
    expect(joinKey(undefined, true)).toBeNull();
  });

  it('exact rules keep case; case-insensitive ones lower-case', () => {
    expect(joinKey('Ann@Corp.Example', false)).toBe('Ann@Corp.Example');
    expect(joinKey(' Ann@Corp.Example ', true)).toBe('ann@corp.example');
    expect(joinKey('J\u00d6RG', true)).toBe(joinKey('jo\u0308rg', true));
  });

  it('folds case the locale-independent way: I -> i, dotted İ -> i + U+0307, dotless ı stays ı', () => {
    expect(joinKey('KIRIM', true)).toBe('kirim');
    expect(joinKey('kırım', true)).toBe('kırım');
    expect(joinKey('KIRIM', true)).not.toBe(joinKey('kırım', true));
    expect(joinKey('İSTANBUL', true)).toBe('i\u0307stanbul');
    expect(joinKey('İstanbul', true)).toBe(joinKey('i\u0307stanbul', true));
    expect(joinKey('İstanbul', true)).not.toBe(joinKey('istanbul', true));
  });

  it('a word-final sigma compares equal to the plain one', () => {
    expect(joinKey('ΟΔΟΣ@x', true)).toBe(joinKey('οδοσ@x', true));
    expect(joinKey('ΟΔΟΣ@x', true)).toBe(joinKey('οδος@x', true));
  });

  it('a value that is not a string (an inherited property) is no key', () => {
    expect(joinKey(({} as Record<string, unknown>).constructor, true)).toBeNull();
  });
});

describe('correlation with every rule form', () => {
  const people: Array<[string, Record<string, string | null>]> = [
    ['id-ann', { employeeId: 'E1', mail: 'ann@corp.example', upn: 'Ann.Lee@corp.example', login: 'alee', costCenter: 'CC-7' }],
    ['id-bob', { employeeId: 'e2', mail: 'bob@corp.example', upn: 'bob@corp.example', login: 'BRay', costCenter: 'cc-8' }],
    ['id-cy', { employeeId: 'E3', mail: 'team@corp.example', upn: null, login: null, costCenter: 'CC-8' }],
    ['id-di', { employeeId: 'E4', mail: 'team@corp.example', upn: null, login: null, costCenter: null }],
  ];
  const all = () => true;

  function run(specs: JoinRuleSpec[], attributes: Record<string, string | null>, eligible: (id: string) => boolean = all) {
    const rules = resolveJoinRules(specs);
    const index = new CorrelationIndex(rules);
    for (const [id, a] of people) index.add(id, a);
    return correlate(attributes, rules, index, eligible);
  }

  it('employeeId compares exactly: another case is another person', () => {
    expect(run(['employeeId'], { employeeId: ' E1 ' })).toEqual({ kind: 'join', identityId: 'id-ann', rule: 'employeeId' });
    expect(run(['employeeId'], { employeeId: 'E2' })).toEqual({ kind: 'new' });
  });

  it('mail, upn and login ignore case and surrounding space', () => {
    expect(run(['mail'], { mail: 'ANN@corp.example' })).toEqual({ kind: 'join', identityId: 'id-ann', rule: 'mail' });
    expect(run(['upn'], { upn: ' ann.lee@CORP.example' })).toEqual({ kind: 'join', identityId: 'id-ann', rule: 'upn' });
    expect(run(['login'], { login: 'bray' })).toEqual({ kind: 'join', identityId: 'id-bob', rule: 'login' });
  });

  it('the object form compares any attribute, exactly unless caseInsensitive is set', () => {
    expect(run([{ attribute: 'costCenter' }], { costCenter: 'CC-7' })).toEqual({ kind: 'join', identityId: 'id-ann', rule: 'costCenter (exact)' });
    expect(run([{ attribute: 'costCenter' }], { costCenter: 'cc-7' })).toEqual({ kind: 'new' });
    expect(run([{ attribute: 'costCenter', caseInsensitive: true }], { costCenter: 'cc-7' })).toEqual({ kind: 'join', identityId: 'id-ann', rule: 'costCenter (case-insensitive)' });
    expect(run([{ attribute: 'upn', caseInsensitive: false }], { upn: 'ann.lee@corp.example' })).toEqual({ kind: 'new' });
  });

  it('a case-insensitive rule that matches two identities is a dispute naming the rule', () => {
    expect(run([{ attribute: 'costCenter', caseInsensitive: true }], { costCenter: 'CC-8' })).toEqual({ kind: 'dispute', candidates: ['id-bob', 'id-cy'], rule: 'costCenter (case-insensitive)' });
    expect(run([{ attribute: 'costCenter' }], { costCenter: 'CC-8' })).toEqual({ kind: 'join', identityId: 'id-cy', rule: 'costCenter (exact)' });
  });

  it('tries rules in order: a rule without the value or a candidate passes to the next', () => {
    const contract: JoinRuleSpec[] = ['employeeId', 'upn', 'login', { attribute: 'mail', caseInsensitive: true }];
    expect(run(contract, { employeeId: 'E9', upn: null, login: 'ALEE', mail: 'bob@corp.example' })).toEqual({ kind: 'join', identityId: 'id-ann', rule: 'login' });
    expect(run(contract, { employeeId: null, upn: 'nobody@corp.example', login: null, mail: 'Bob@Corp.Example' })).toEqual({ kind: 'join', identityId: 'id-bob', rule: 'mail' });
    expect(run(contract, { employeeId: 'E4', mail: 'team@corp.example' })).toEqual({ kind: 'join', identityId: 'id-di', rule: 'employeeId' });
  });

  it('stops at the first rule with several candidates rather than trying a later one', () => {
    expect(run(['mail', 'employeeId'], { employeeId: 'E4', mail: 'team@corp.example' })).toEqual({ kind: 'dispute', candidates: ['id-cy', 'id-di'], rule: 'mail' });
  });

  it('skips candidates that are not eligible', () => {
    expect(run(['mail'], { mail: 'team@corp.example' }, (id) => id !== 'id-cy')).toEqual({ kind: 'join', identityId: 'id-di', rule: 'mail' });
  });

  it('an index kept in step by remove/add answers with the new values', () => {
    const rules = resolveJoinRules(['upn']);
    const index = new CorrelationIndex(rules);
    index.add('id-ann', { upn: 'ann@corp.example' });
    index.remove('id-ann', { upn: 'ann@corp.example' });
    index.add('id-ann', { upn: 'ann.lee@corp.example' });
    expect(correlate({ upn: 'ANN@corp.example' }, rules, index, all)).toEqual({ kind: 'new' });
    expect(correlate({ upn: 'ANN.LEE@corp.example' }, rules, index, all)).toEqual({ kind: 'join', identityId: 'id-ann', rule: 'upn' });
  });
});

describe('join rules in the configuration', () => {
  const entra = 'kind: entra, tenantId: t, clientId: c, clientSecret: s';

  it('accepts every shorthand and the object form, kept as written', () => {
    const checked = validateSourceConfig({
      name: 'entra', kind: 'entra', tenantId: 't', clientId: 'c', clientSecret: 's',
      attributes: { costCenter: 'extension_abc_costCenter' },
      join: ['employeeId', 'upn', 'login', { attribute: 'mail', caseInsensitive: true }, { attribute: 'costCenter' }],
    });
    expect(checked.ok).toBe(true);
    expect(checked.ok && checked.config.join).toEqual(['employeeId', 'upn', 'login', { attribute: 'mail', caseInsensitive: true }, { attribute: 'costCenter' }]);
  });

  it('defaults to employeeId, then mail', () => {
    const checked = validateSourceConfig({ name: 'hr', kind: 'csv', path: './hr.csv' });
    expect(checked.ok && checked.config.join).toEqual(['employeeId', 'mail']);
  });

  it('names each bad entry by its path', () => {
    expect(problemsOf([
      `  - { name: hr, kind: csv, path: ./hr.csv, join: [employeeId, email, { attribute: foo }, 7] }`,
      `  - { name: entra, ${entra}, join: [upn, { attribute: mail, caseInsensitve: true }, { caseInsensitive: yes }, { attribute: mail, caseInsensitive: "yes" }] }`,
    ])).toEqual([
      'sources[0].join[1]: unknown join rule "email"; use employeeId, mail, upn, login, or { attribute: <name>, caseInsensitive: true }',
      expect.stringMatching(/^sources\[0\]\.join\[2\]\.attribute: unknown attribute "foo"; known: employeeId, givenName, .*upn, login, .* \(or map it under columns\)$/),
      'sources[0].join[3]: must be a join rule: employeeId, mail, upn, login, or { attribute: <name>, caseInsensitive: true }',
      'sources[1].join[1]: unknown key(s): caseInsensitve (a join rule has attribute and caseInsensitive)',
      'sources[1].join[2].attribute: is required (the attribute to compare)',
      // YAML 1.2: `yes` is the string "yes", not true
      'sources[1].join[2].caseInsensitive: must be true or false',
      'sources[1].join[3].caseInsensitive: must be true or false',
    ]);
  });

  it('an attribute the source maps itself may be joined on; one it does not map is unknown', () => {
    expect(problemsOf([`  - { name: hr, kind: csv, path: ./hr.csv, columns: { badge: badge_no }, join: [{ attribute: badge }] }`])).toEqual([]);
    expect(problemsOf([`  - { name: entra, ${entra}, join: [{ attribute: badge }] }`])).toEqual([
      expect.stringMatching(/^sources\[0\]\.join\[0\]\.attribute: unknown attribute "badge"; .*\(or map it under attributes\)$/),
    ]);
  });

  it('an unknown attribute is reported beside the other problems of the section', () => {
    const problems = problemsOf([`  - { name: entra, ${entra}, graphUrl: not-a-url, join: [{ attribute: constructor }] }`]);
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^sources\[0\]\.graphUrl: /),
      expect.stringMatching(/^sources\[0\]\.join\[0\]\.attribute: unknown attribute "constructor"/),
    ]));
  });
});

describe('join rules on attributes a kind does not fill (config check warnings)', () => {
  // only kind, name, join and the mapping keys are read
  const cfg = (kind: string, extra: Record<string, unknown> = {}) => ({ name: kind, kind, join: ['upn', 'login'], attributes: {}, columns: {}, ...extra }) as unknown as SourceConfig;
  const warned = (c: SourceConfig) => unmappedJoinRules(c).map((i) => `${i.path.join('.')}: ${i.message.split(',')[0]}`);

  it('knows each kind\'s default upn and login', () => {
    expect(warned(cfg('entra'))).toEqual(['join.1: source "entra" maps no login attribute (kind entra maps none by default)']);
    expect(warned(cfg('okta'))).toEqual([]);
    expect(warned(cfg('google'))).toEqual(['join.0: source "google" maps no upn attribute (kind google maps none by default)']);
    expect(warned(cfg('ldap', { flavor: 'ad' }))).toEqual(['join.0: source "ldap" maps no upn attribute (kind ldap maps none by default)']);
    expect(warned(cfg('ldap', { flavor: 'openldap' }))).toEqual(['join.0: source "ldap" maps no upn attribute (kind ldap maps none by default)']);
    expect(warned(cfg('csv'))).toHaveLength(2);
    expect(warned(cfg('fake'))).toEqual([]);
  });

  it('a mapping under attributes or columns silences it; mapping one to null brings it back', () => {
    expect(warned(cfg('ldap', { flavor: 'ad', attributes: { upn: 'userPrincipalName' } }))).toEqual([]);
    expect(warned(cfg('csv', { columns: { upn: 'upn', login: 'login' } }))).toEqual([]);
    expect(warned(cfg('okta', { join: [{ attribute: 'login', caseInsensitive: true }], attributes: { login: null } }))).toEqual(['join.0: source "okta" maps no login attribute (kind okta maps none by default)']);
    expect(warned(cfg('entra', { join: ['employeeId', 'mail', { attribute: 'costCenter' }] }))).toEqual([]);
  });
});
