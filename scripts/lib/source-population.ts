// A directory population for the source benchmark, loaded into the Okta fake or the Graph fake:
// people with names, mails, employee ids, departments, titles and a management chain, a few
// suspended and deprovisioned ones, and groups of 10-30 members (20 on average). `change*` changes
// 1% of the people (title) and 1% of the groups (one member less), as an ordinary day does.
import type { GraphDeltaFake } from '../../test/fakes/graph-delta';
import type { OktaFake, OktaStatus } from '../../test/fakes/okta';

const GIVEN = ['Anna', 'José', 'John', 'Łukasz', 'Zoë', 'Priya', 'Chen', 'Fatima', 'Søren', 'Emily', 'Oğuz', 'Grace'];
const FAMILY = ['Smith', 'Müller', 'García', 'Nowak', 'Ångström', 'Patel', 'Wei', 'Okafor', 'Dubois', 'Rossi', 'Yılmaz', "O'Brien"];
const DEPARTMENTS = ['Engineering', 'Sales', 'Research & Development', 'Finance', 'Operations', 'Marketing', 'People', 'Customer Support'];
/** every 1000th person manages a slice of the others */
const MANAGER_EVERY = 1000;

export interface Person {
  index: number;
  employeeId: string;
  givenName: string;
  sn: string;
  mail: string;
  department: string;
  title: string;
  managerIndex: number | null;
  /** 1% suspended, 0.5% gone (deprovisioned / soft-deleted) */
  state: 'active' | 'suspended' | 'gone';
}

export function person(i: number): Person {
  const family = `${FAMILY[i % FAMILY.length]}${i.toString(36)}`;
  return {
    index: i,
    employeeId: `E${100000 + i}`,
    givenName: GIVEN[i % GIVEN.length],
    sn: family,
    mail: `p${i}@example.com`,
    department: DEPARTMENTS[i % DEPARTMENTS.length],
    title: 'Engineer',
    managerIndex: i % MANAGER_EVERY === 0 ? null : i - (i % MANAGER_EVERY),
    state: i % 100 === 7 ? 'suspended' : i % 200 === 13 ? 'gone' : 'active',
  };
}

/** Members of group g: 10-30 people (20 on average), spread over the population. */
export function groupMembers(g: number, people: number): number[] {
  // 11 and 21 are coprime: sizes run evenly through 10..30
  const size = 10 + ((g * 11) % 21);
  const out = new Set<number>();
  for (let k = 0; out.size < Math.min(size, people); k++) out.add((g * 7919 + k * 104729) % people);
  return [...out];
}

export interface Changes {
  users: number;
  groups: number;
}

const changedUser = (i: number) => i % 100 === 50;
const changedGroup = (g: number) => g % 100 === 50;

// ---- Okta ----

const OKTA_STATUS: Record<Person['state'], OktaStatus> = { active: 'ACTIVE', suspended: 'SUSPENDED', gone: 'DEPROVISIONED' };
const oktaId = (i: number) => `00u${i.toString(16).padStart(14, '0')}`;
const oktaGroupId = (g: number) => `00g${g.toString(16).padStart(14, '0')}`;

export function loadOkta(fake: OktaFake, people: number, groups: number): void {
  const stamp = '2024-01-01T00:00:00.000Z';
  for (let i = 0; i < people; i++) {
    const p = person(i);
    fake.users.set(oktaId(i), {
      id: oktaId(i),
      status: OKTA_STATUS[p.state],
      created: stamp,
      lastUpdated: stamp,
      profile: {
        firstName: p.givenName, lastName: p.sn, email: p.mail, login: p.mail, employeeNumber: p.employeeId,
        department: p.department, title: p.title, displayName: `${p.givenName} ${p.sn}`,
      },
    });
  }
  for (let g = 0; g < groups; g++) {
    const id = oktaGroupId(g);
    // with the timestamps Okta's group objects carry, which a groups delta reads
    const group = { id, type: 'OKTA_GROUP' as const, created: stamp, lastUpdated: stamp, lastMembershipUpdated: stamp, profile: { name: `team-${g}`, description: `Team ${g}` }, members: new Set(groupMembers(g, people).map(oktaId)) };
    fake.groups.set(id, group);
  }
}

export function changeOkta(fake: OktaFake, people: number, groups: number): Changes {
  const now = new Date().toISOString();
  let users = 0;
  for (let i = 0; i < people; i++) {
    const u = fake.users.get(oktaId(i));
    if (!changedUser(i) || !u) continue;
    u.profile.title = 'Senior Engineer';
    u.lastUpdated = now;
    users++;
  }
  let changed = 0;
  for (let g = 0; g < groups; g++) {
    const group = fake.groups.get(oktaGroupId(g));
    const first = group?.members.values().next().value;
    if (!changedGroup(g) || !group || first === undefined) continue;
    group.members.delete(first);
    Object.assign(group, { lastMembershipUpdated: now });
    changed++;
  }
  return { users, groups: changed };
}

// ---- Graph ----

const graphId = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

export function loadGraph(fake: GraphDeltaFake, people: number, groups: number): string[] {
  for (let i = 0; i < people; i++) {
    const p = person(i);
    fake.addUser(
      {
        id: graphId(i), givenName: p.givenName, surname: p.sn, displayName: `${p.givenName} ${p.sn}`, mail: p.mail,
        userPrincipalName: p.mail, employeeId: p.employeeId, department: p.department, jobTitle: p.title,
        accountEnabled: p.state !== 'suspended',
      },
      p.managerIndex === null ? null : graphId(p.managerIndex),
    );
    if (p.state === 'gone') fake.softDelete(graphId(i));
  }
  const ids: string[] = [];
  for (let g = 0; g < groups; g++) ids.push(fake.addGroup(`team-${g}`, groupMembers(g, people).map(graphId), `Team ${g}`));
  return ids;
}

export function changeGraph(fake: GraphDeltaFake, people: number, groupIds: string[]): Changes {
  let users = 0;
  for (let i = 0; i < people; i++) {
    if (!changedUser(i) || person(i).state === 'gone') continue;
    fake.updateUser(graphId(i), { jobTitle: 'Senior Engineer' });
    users++;
  }
  let groups = 0;
  groupIds.forEach((id, g) => {
    if (!changedGroup(g)) return;
    fake.removeMember(id, graphId(groupMembers(g, people)[0]));
    groups++;
  });
  return { users, groups };
}
