import { CorrelationIndex, correlate } from '../../src/domain/correlation';
import { decideDispute, decidedJoins, DisputeDecisionError } from '../../src/domain/disputes';
import { resolveJoinRules } from '../../src/domain/join-rules';
import type { Dispute, Identity } from '../../src/domain/types';

const T = '2026-03-10T08:00:00.000Z';
const olga = { kind: 'helpdesk' as const, id: 'olga' };

const open = (over: Partial<Dispute> = {}): Dispute => ({
  id: 'hr:E9:run-1', source: 'hr', externalId: 'E9', candidates: ['id-2', 'id-3'], rule: 'mail', openedAt: T, resolvedAt: null, ...over,
});

const person = (id: string, username: string, links: Identity['links'] = []): Identity => ({
  id, revision: 1, username, uidNumber: 10000, employeeId: null, state: 'active', stateChangedAt: T,
  attributes: {}, provenance: {}, links, entitlements: [], createdAt: T, updatedAt: T,
});

describe('correlation with a decided dispute', () => {
  const rules = resolveJoinRules(['employeeId', 'mail']);
  const index = new CorrelationIndex(rules);
  index.add('id-2', { employeeId: 'E2', mail: 'shared@x.org' });
  index.add('id-3', { employeeId: null, mail: 'shared@x.org' });
  const record = { employeeId: 'E9', mail: 'shared@x.org' };
  const decided = { identityId: 'id-3', disputeId: 'hr:E9:run-1' };

  it('joins the chosen identity before any join rule is consulted', () => {
    expect(correlate(record, rules, index, () => true)).toEqual({ kind: 'dispute', candidates: ['id-2', 'id-3'], rule: 'mail' });
    expect(correlate(record, rules, index, () => true, decided)).toEqual({ kind: 'join', identityId: 'id-3', rule: 'dispute:hr:E9:run-1' });
    // the decision stands even when the record no longer matches the chosen identity by any rule
    expect(correlate({ employeeId: 'E9', mail: 'new@x.org' }, rules, index, () => true, decided)).toMatchObject({ kind: 'join', identityId: 'id-3' });
  });

  it('falls back to the join rules when the chosen identity is not eligible any more', () => {
    expect(correlate(record, rules, index, (id) => id !== 'id-3', decided)).toEqual({ kind: 'join', identityId: 'id-2', rule: 'mail' });
  });
});

describe('deciding a dispute', () => {
  it('records the chosen identity, who decided and when', () => {
    expect(decideDispute(open(), person('id-3', 'sroe2'), olga, T)).toEqual({
      ...open(),
      resolvedAt: T,
      resolution: { identityId: 'id-3', username: 'sroe2', decidedBy: olga, decidedAt: T },
    });
  });

  it('refuses an identity that is not a candidate, a resolved dispute and an identity the source already links', () => {
    const refusal = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err instanceof DisputeDecisionError ? `${err.refusal}: ${err.message}` : String(err);
      }
      return 'accepted';
    };
    expect(refusal(() => decideDispute(open(), person('id-9', 'other'), olga, T))).toBe('not-a-candidate: other is not a candidate of dispute hr:E9:run-1');
    const done = decideDispute(open(), person('id-3', 'sroe2'), olga, T);
    expect(refusal(() => decideDispute(done, person('id-2', 'sroe'), olga, T))).toBe(`already-resolved: dispute hr:E9:run-1 was already resolved at ${T} by olga (joined to sroe2)`);
    expect(refusal(() => decideDispute(open(), person('id-2', 'sroe', [{ source: 'hr', externalId: 'E2' }]), olga, T))).toMatch(/^linked-elsewhere: sroe is already linked to record E2 of source hr/);
    // a link to this very record (or to another source) is no obstacle
    expect(refusal(() => decideDispute(open(), person('id-2', 'sroe', [{ source: 'hr', externalId: 'E9' }, { source: 'okta', externalId: 'o1' }]), olga, T))).not.toMatch(/^linked/);
  });

  it('gives correlation the latest decision of each record of one source', () => {
    const later = '2026-03-12T08:00:00.000Z';
    const disputes = [
      decideDispute(open(), person('id-3', 'sroe2'), olga, T),
      decideDispute(open({ id: 'hr:E9:run-2' }), person('id-2', 'sroe'), olga, later),
      open({ id: 'hr:E5:run-1', externalId: 'E5' }),
      decideDispute(open({ id: 'okta:E9:run-1', source: 'okta' }), person('id-3', 'sroe2'), olga, later),
    ];
    expect([...decidedJoins(disputes, 'hr')]).toEqual([['E9', { identityId: 'id-2', disputeId: 'hr:E9:run-2' }]]);
  });
});
