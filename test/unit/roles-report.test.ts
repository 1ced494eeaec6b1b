// The role-definition report: who holds each role now, who gained or lost it inside the window (from
// the entitlements the sync records in the audit trail), and which roles match nobody.
import { rolesSchema } from '../../src/config/sections/targets';
import { auditPayload, diffIdentities } from '../../src/domain/identity-diff';
import { compileRoles, createRolePolicy } from '../../src/domain/roles';
import type { AuditRecord, Identity } from '../../src/domain/types';
import { departmentGroupsPolicy } from '../../src/services/policy/department-groups';
import { buildRoleReport, firstSeqAtOrAfter } from '../../src/services/roles-report/read';
import { RoleReportBuilder, type RoleReportInput } from '../../src/services/roles-report/report';
import { MemoryStore } from '../../src/storage/memory/memory-store';
import type { GrantRuleReport, RoleReport } from '../../src/services/roles-report/types';
import { person } from './provisioning-fixtures';

const roles = rolesSchema.parse([
  { name: 'engineering', when: 'department == "Engineering"', groups: ['eng'], targets: { gitea: { groups: ['developers'] } } },
  { name: 'leads', when: 'title.contains("Lead")', include: ['vpn'], groups: ['leads'] },
  { name: 'vpn', groups: ['vpn'] },
  { name: 'contractors', when: 'employeeType == "contractor"', groups: ['vpn'] },
  { name: 'okta-admins', when: '"okta:admins" in groups', groups: ['admins'] },
  { name: 'astronauts', when: 'title == "Astronaut"', groups: ['space'] },
]);
const targets = [{ name: 'gitea' }, { name: 'wiki' }];
const policy = createRolePolicy(roles, targets, departmentGroupsPolicy);
const window = { days: 90, since: '2026-09-01T00:00:00.000Z', until: '2026-11-30T00:00:00.000Z' };

function builder(over: Partial<RoleReportInput> = {}): RoleReportBuilder {
  return new RoleReportBuilder({
    roles,
    compiled: compileRoles(roles, targets.map((t) => t.name)),
    openTargets: ['wiki'],
    declaredGroups: [{ name: 'staff', include: ['eng', 'leads'] }],
    window,
    listLimit: 10,
    now: window.until,
    ...over,
  });
}

/** A person as the sync stores them: entitlements from the policy, for the groups they are in. */
function synced(attrs: Identity['attributes'], state: Identity['state'] = 'active', groups: string[] = []): Identity {
  const p = person(attrs, state);
  return { ...p, entitlements: policy.entitlements(p, { groups }) };
}

/** The audit record the sync writes for a change from `before` to `after`. */
let seq = 1;
function changeRecord(time: string, before: Identity | null, after: Identity, action = before ? 'identity.update' : 'identity.create'): AuditRecord {
  const payload = before ? auditPayload(diffIdentities(before, after)) : { before: null, after: { entitlements: after.entitlements } };
  return {
    seq: seq++,
    prevHash: '',
    hash: '',
    time,
    actor: { kind: 'source-run', id: 'run-1', source: 'hr' },
    action,
    subject: { kind: 'identity', id: after.id, username: after.username },
    before: payload.before,
    after: payload.after,
    correlationId: 'c',
  };
}

function moved(p: Identity, attrs: Identity['attributes'], groups: string[] = []): Identity {
  const next = { ...p, attributes: { ...p.attributes, ...attrs } };
  return { ...next, entitlements: policy.entitlements(next, { groups }) };
}

const rule = (r: RoleReport, name: string): GrantRuleReport => r.rules.find((x) => x.name === name)!;
const gainedBy = (r: RoleReport, name: string): (string | null)[] => rule(r, name).gained!.people.map((c) => c.username);
const lostBy = (r: RoleReport, name: string): (string | null)[] => rule(r, name).lost!.people.map((c) => c.username);

describe('role report: members', () => {
  it('counts the active people each role matches now, includes followed, others not counted', () => {
    const b = builder();
    b.addPerson(synced({ department: 'Engineering', title: 'Engineer' }), []);
    b.addPerson(synced({ department: 'Engineering', title: 'Team Lead' }), []);
    b.addPerson(synced({ department: 'Sales', title: 'Sales Lead' }), []);
    b.addPerson(synced({ department: 'Engineering', title: 'Lead' }, 'suspended'), []);
    b.addPerson(synced({ department: 'Engineering' }, 'terminated'), []);
    const r = b.report();
    expect(r.activePeople).toBe(3);
    expect(rule(r, 'engineering').members).toBe(2);
    expect(rule(r, 'leads').members).toBe(2);
    // vpn has no condition of its own: held through leads' include
    expect(rule(r, 'vpn')).toMatchObject({ members: 2, condition: null, includedBy: ['leads'] });
    expect(rule(r, 'engineering')).toMatchObject({ kind: 'role', condition: 'department == "Engineering"', grants: { groups: ['eng'], targets: { gitea: ['developers'] } } });
  });

  it('evaluates a condition on the groups the person is in ("X" in groups)', () => {
    const b = builder();
    b.addPerson(synced({ department: 'Sales' }, 'active', ['okta:admins']), ['okta:admins', 'okta:everyone']);
    b.addPerson(synced({ department: 'Sales' }, 'active', ['okta:everyone']), ['okta:everyone']);
    expect(rule(b.report(), 'okta-admins').members).toBe(1);
  });

  it('lists the roles that match nobody', () => {
    const b = builder();
    b.addPerson(synced({ department: 'Engineering', title: 'Engineer' }), []);
    expect(b.report().unmatched).toEqual(['leads', 'vpn', 'contractors', 'okta-admins', 'astronauts']);
  });

  it('labels the rules that grant access without being roles, with their members', () => {
    const b = builder();
    b.addPerson(synced({ department: 'Engineering', title: 'Engineer' }), []);
    b.addPerson(synced({ department: 'Research & Development', title: 'Lead' }), []);
    b.addPerson(synced({ department: 'Sales' }), []);
    const r = b.report();
    expect(rule(r, 'builtin:department')).toMatchObject({ kind: 'department-groups', members: 3, grants: { groups: ['engineering', 'research-development', 'sales'] } });
    expect(rule(r, 'builtin:all-active')).toMatchObject({ kind: 'all-active', members: 3, grants: { groups: [], targets: { wiki: [] } } });
    expect(rule(r, 'staff')).toMatchObject({ kind: 'declared-group', members: 2, include: ['eng', 'leads'], gained: null, lost: null });
    expect(r.unmatched).not.toContain('builtin:department');
  });

  it('counts in a declared group the people a role grants it to directly, besides those in its nested groups', () => {
    const b = builder({ declaredGroups: [{ name: 'space', include: ['leads'] }] });
    b.addPerson(synced({ department: 'Sales', title: 'Astronaut' }), []);
    b.addPerson(synced({ department: 'Sales', title: 'Lead' }), []);
    b.addPerson(synced({ department: 'Sales', title: 'Engineer' }), []);
    expect(rule(b.report(), 'space')).toMatchObject({ kind: 'declared-group', members: 2 });
  });
});

describe('role report: gained and lost in the window', () => {
  it('names who gained and lost a role inside the window, and nobody from outside it', () => {
    const b = builder();
    const early = synced({ department: 'Engineering', title: 'Engineer' });
    b.addAuditRecord(changeRecord('2026-08-31T23:59:59.000Z', null, early)); // before the window
    const eve = synced({ department: 'Engineering', title: 'Engineer' });
    b.addAuditRecord(changeRecord('2026-09-02T10:00:00.000Z', null, eve));
    const eveInSales = moved(eve, { department: 'Sales' });
    b.addAuditRecord(changeRecord('2026-10-15T10:00:00.000Z', eve, eveInSales));
    const late = synced({ department: 'Engineering', title: 'Engineer' });
    b.addAuditRecord(changeRecord('2026-11-30T00:00:01.000Z', null, late)); // after the window's end
    const r = b.report();
    expect(gainedBy(r, 'engineering')).toEqual([eve.username]);
    expect(lostBy(r, 'engineering')).toEqual([eve.username]);
    expect(rule(r, 'engineering').lost!.people[0]).toMatchObject({ action: 'identity.update', time: '2026-10-15T10:00:00.000Z', entitlements: ['group:eng', 'account:gitea[developers]'] });
    // a department move is a lost group and a gained one
    expect(rule(r, 'builtin:department').lost!.people[0].entitlements).toEqual(['group:engineering']);
    expect(rule(r, 'builtin:department').gained!.people.map((c) => c.entitlements)).toEqual([['group:sales'], ['group:engineering']]);
  });

  it('counts a role reached through include as gained, and a terminated person as losing every role', () => {
    const b = builder();
    const pat = synced({ department: 'Sales', title: 'Engineer' });
    const patLead = moved(pat, { title: 'Sales Lead' });
    b.addAuditRecord(changeRecord('2026-10-01T00:00:00.000Z', pat, patLead));
    const gone = { ...patLead, state: 'terminated' as const, entitlements: [] };
    b.addAuditRecord(changeRecord('2026-11-01T00:00:00.000Z', patLead, gone, 'identity.terminate'));
    const r = b.report();
    expect(gainedBy(r, 'leads')).toEqual([pat.username]);
    expect(gainedBy(r, 'vpn')).toEqual([pat.username]);
    expect(lostBy(r, 'vpn')).toEqual([pat.username]);
    expect(lostBy(r, 'builtin:all-active')).toEqual([pat.username]);
    expect(rule(r, 'vpn').lost!.people[0].action).toBe('identity.terminate');
  });

  it('does not count a role whose grant changed shape (same rule before and after) as gained or lost', () => {
    const b = builder();
    const eng = synced({ department: 'Engineering', title: 'Engineer' });
    const reshaped = { ...eng, entitlements: eng.entitlements.map((e) => (e.name === 'gitea' ? { ...e, values: ['developers', 'ci'] } : e)) };
    b.addAuditRecord(changeRecord('2026-10-01T00:00:00.000Z', eng, reshaped));
    const r = b.report();
    expect(rule(r, 'engineering').gained!.count).toBe(0);
    expect(rule(r, 'engineering').lost!.count).toBe(0);
  });

  it('does not take a group passed from one granting role to another for a gain of the new one', () => {
    const b = builder();
    // a lead who is also a contractor holds vpn once, recorded under contractors (the first to grant it)
    const kim = synced({ department: 'Sales', title: 'Sales Lead', employeeType: 'contractor' });
    expect(kim.entitlements).toContainEqual({ kind: 'group', name: 'vpn', rule: 'role:contractors' });
    const employed = moved(kim, { employeeType: 'employee' });
    expect(employed.entitlements).toContainEqual({ kind: 'group', name: 'vpn', rule: 'role:leads<-vpn' });
    b.addAuditRecord(changeRecord('2026-10-01T00:00:00.000Z', kim, employed));
    const r = b.report();
    // kim held vpn through leads all along: the record moved no access
    expect(rule(r, 'vpn').gained!.count).toBe(0);
    expect(rule(r, 'leads').gained!.count).toBe(0);
  });

  it('keeps complete counts but lists only the latest people, newest first', () => {
    const b = builder({ listLimit: 2 });
    const people = [1, 2, 3].map(() => synced({ department: 'Engineering' }));
    people.forEach((p, i) => b.addAuditRecord(changeRecord(`2026-10-0${i + 1}T00:00:00.000Z`, null, p)));
    const gained = rule(b.report(), 'engineering').gained!;
    expect(gained.count).toBe(3);
    expect(gained.people.map((c) => c.username)).toEqual([people[2].username, people[1].username]);
  });
});

describe('role report over a store', () => {
  async function storeWithTrail(): Promise<{ store: MemoryStore; people: Identity[] }> {
    const store = new MemoryStore();
    const people = Array.from({ length: 30 }, () => synced({ department: 'Engineering' }));
    await store.commit({ identities: people.map((identity) => ({ identity, expectedRevision: null })) });
    // one person created a day, the last ten inside the window
    const records = people.map((p, i) => changeRecord(new Date(Date.parse(window.since) - (20 - i) * 86400000).toISOString(), null, p));
    await store.commit({ audit: records.map(({ seq: _s, prevHash: _p, hash: _h, ...draft }) => draft) });
    return { store, people };
  }

  it('finds the first record of the window by bisection and reads from there on', async () => {
    const { store } = await storeWithTrail();
    expect(await firstSeqAtOrAfter(store, window.since)).toBe(21);
    expect(await firstSeqAtOrAfter(store, '2000-01-01T00:00:00.000Z')).toBe(1);
    expect(await firstSeqAtOrAfter(store, '2100-01-01T00:00:00.000Z')).toBe(31);
  });

  it('reports from the store: members of everyone, gains only from the window, without reading the whole trail', async () => {
    const { store, people } = await storeWithTrail();
    const r = await buildRoleReport(store, {
      roles,
      compiled: compileRoles(roles, targets.map((t) => t.name)),
      openTargets: [],
      declaredGroups: [],
      window,
      listLimit: 100,
      now: window.until,
    });
    expect(rule(r, 'engineering').members).toBe(30);
    expect(gainedBy(r, 'engineering').sort()).toEqual(people.slice(20).map((p) => p.username).sort());
    // the day before the window is read too (runs commit slightly out of time order), nothing earlier
    expect(r.auditRecordsRead).toBe(11);
  });
});
