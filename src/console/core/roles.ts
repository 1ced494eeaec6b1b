// Which console roles a person holds, from `admin.console.roles`: membership of idsync groups, and
// for reviewers either being someone's manager (`managers`) or a group list. Operators hold every
// helpdesk right, so they carry the helpdesk role too.
import type { ConsoleConfig } from '../../admin/config';
import type { ConsoleRole } from '../contract';
import type { ConsolePerson } from './deps';

export function rolesOf(person: ConsolePerson, roles: ConsoleConfig['roles']): ConsoleRole[] {
  const groups = new Set(person.groups.map((g) => g.toLowerCase()));
  const inAny = (list: string[]) => list.some((g) => groups.has(g.toLowerCase()));
  const operator = inAny(roles.operator);
  const out: ConsoleRole[] = [];
  if (operator || inAny(roles.helpdesk)) out.push('helpdesk');
  if (operator) out.push('operator');
  if (roles.reviewer === 'managers' ? person.managesActivePeople : inAny(roles.reviewer)) out.push('reviewer');
  return out;
}

export function sameRoles(a: readonly ConsoleRole[], b: readonly ConsoleRole[]): boolean {
  return a.length === b.length && a.every((r) => b.includes(r));
}
