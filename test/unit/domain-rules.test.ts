import { CorrelationIndex, correlate } from '../../src/domain/correlation';
import { resolveJoinRules } from '../../src/domain/join-rules';
import { lifecycleState, removesAccess } from '../../src/domain/lifecycle';
import { mergeAttributes } from '../../src/domain/merge';
import { normaliseAttributes } from '../../src/domain/normalize';
import { holdReason, populationCollapse } from '../../src/domain/safety';
import { slugifyDepartment } from '../../src/services/policy/department-groups';

const limits = { maxRemovals: 500, maxRemovalPercent: 20, minPopulationRatio: 0.5 };

describe('normalisation', () => {
  it('trims, maps empty to null, lower-cases mail and folds status spellings', () => {
    const r = normaliseAttributes({ givenName: '  José ', sn: 'Müller', mail: ' Jose.Muller@Example.COM ', title: '  ', status: 'On Leave' });
    expect(r).toEqual({
      ok: true,
      attributes: { givenName: 'José', sn: 'Müller', mail: 'jose.muller@example.com', title: null, status: 'leave', displayName: 'José Müller' },
    });
  });

  it('names every bad value: unknown status and impossible dates', () => {
    const r = normaliseAttributes({ status: 'retired', startDate: '2026-02-30', endDate: '01/02/2026' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual([
      'startDate "2026-02-30" is not a valid date (expected yyyy-mm-dd)',
      'endDate "01/02/2026" is not a valid date (expected yyyy-mm-dd)',
      'status "retired" is not one of active, leave, terminated, prehire',
    ]);
  });
});

describe('lifecycle', () => {
  it('derives the state from status and dates', () => {
    expect(lifecycleState({ status: 'active', startDate: '2026-03-01' }, '2026-02-01', false)).toBe('prehire');
    expect(lifecycleState({ status: 'active', startDate: '2026-03-01' }, '2026-03-01', false)).toBe('active');
    // a source that says prehire outright (Okta's STAGED) is one whatever the dates say, until it ends
    expect(lifecycleState({ status: 'prehire' }, '2026-03-01', false)).toBe('prehire');
    expect(lifecycleState({ status: 'prehire', endDate: '2026-02-01' }, '2026-03-01', false)).toBe('terminated');
    expect(lifecycleState({ status: 'leave' }, '2026-03-01', false)).toBe('suspended');
    expect(lifecycleState({ status: 'active', endDate: '2026-03-01' }, '2026-03-01', false)).toBe('active');
    expect(lifecycleState({ status: 'active', endDate: '2026-03-01' }, '2026-03-02', false)).toBe('terminated');
    expect(lifecycleState({ status: 'active' }, '2026-03-02', true)).toBe('terminated');
    expect(removesAccess('active', 'suspended')).toBe(true);
    expect(removesAccess('terminated', 'active')).toBe(false);
  });
});

describe('correlation', () => {
  const rules = resolveJoinRules(['employeeId', 'mail']);
  const index = new CorrelationIndex(rules);
  index.add('id-1', { employeeId: 'E1', mail: 'a@x.org' });
  index.add('id-2', { employeeId: 'E2', mail: 'shared@x.org' });
  index.add('id-3', { employeeId: null, mail: 'shared@x.org' });
  const all = () => true;

  it('joins on the first rule with exactly one candidate', () => {
    expect(correlate({ employeeId: 'E1', mail: 'other@x.org' }, rules, index, all)).toEqual({ kind: 'join', identityId: 'id-1', rule: 'employeeId' });
    expect(correlate({ employeeId: 'E9', mail: 'A@X.org' }, rules, index, all)).toEqual({ kind: 'join', identityId: 'id-1', rule: 'mail' });
  });

  it('reports a dispute when a rule matches several identities, and new when none match', () => {
    expect(correlate({ employeeId: 'E9', mail: 'shared@x.org' }, rules, index, all)).toEqual({ kind: 'dispute', candidates: ['id-2', 'id-3'], rule: 'mail' });
    expect(correlate({ employeeId: 'E9', mail: 'nobody@x.org' }, rules, index, all)).toEqual({ kind: 'new' });
  });
});

describe('merge', () => {
  it('takes each attribute from the best-ranked source and says which rule decided', () => {
    const merged = mergeAttributes([
      { source: 'hr', externalId: 'E1', attributes: { title: 'Engineer', mail: 'a@x.org', department: null }, precedence: 100, attributePrecedence: {} },
      { source: 'okta', externalId: 'o1', attributes: { title: 'Eng', mail: 'a@corp.org', department: 'R&D' }, precedence: 50, attributePrecedence: { title: 200 } },
    ]);
    expect(merged.attributes).toEqual({ department: 'R&D', mail: 'a@corp.org', title: 'Engineer' });
    expect(merged.provenance.title).toEqual({ source: 'hr', externalId: 'E1', rule: 'precedence:hr(100)' });
    expect(merged.provenance.mail).toEqual({ source: 'okta', externalId: 'o1', rule: 'precedence:okta(50)' });
  });
});

describe('safety', () => {
  it('holds above the count or percentage limit, and flags a collapsed population', () => {
    expect(holdReason(501, 100000, limits)).toMatch(/501 people, more than the limit of 500/);
    expect(holdReason(21, 100, limits)).toMatch(/21 of 100 people \(21.0%\)/);
    expect(holdReason(20, 100, limits)).toBeNull();
    expect(populationCollapse(100, 49, limits)).toMatch(/49 records against 100/);
    expect(populationCollapse(100, 50, limits)).toBeNull();
  });
});

describe('department groups', () => {
  it('slugifies department names to lower-case ASCII', () => {
    expect(slugifyDepartment('Research & Development')).toBe('research-development');
    expect(slugifyDepartment('  Ventes Île-de-France ')).toBe('ventes-ile-de-france');
  });
});
