// Graph user objects -> canonical records. The lifecycle comes from accountEnabled and the
// employeeHireDate / employeeLeaveDateTime pair; the manager is named by its employee id, as the
// LDAP view resolves managers by employee id.
import type { Attributes } from '../../../domain/types';
import { DEFAULT_ENTRA_ATTRIBUTES } from './config';

/** What the connector reads besides the mapped attributes. */
const LIFECYCLE_PROPERTIES = ['id', 'accountEnabled', 'employeeHireDate', 'employeeLeaveDateTime', 'manager'];

export function attributeMapping(overrides: Record<string, string | null>): Record<string, string> {
  const merged: Record<string, string | null> = { ...DEFAULT_ENTRA_ATTRIBUTES, ...overrides };
  return Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== null));
}

export function userSelect(mapping: Record<string, string>): string {
  return [...new Set([...LIFECYCLE_PROPERTIES, ...Object.values(mapping)])].join(',');
}

/** The manager named in a user's `manager@delta`: an id, null when removed, undefined when not said. */
export function managerDelta(user: any): string | null | undefined {
  const entries = user?.['manager@delta'];
  if (!Array.isArray(entries)) return undefined;
  const current = entries.find((m: any) => m && typeof m.id === 'string' && !m['@removed']);
  return current ? current.id : null;
}

export function userAttributes(user: any, mapping: Record<string, string>, managerEmployeeId: string | null): Attributes {
  const out: Attributes = {};
  for (const [canonical, property] of Object.entries(mapping)) out[canonical] = text(user[property]);
  out.status = user.accountEnabled === false ? 'leave' : 'active';
  out.startDate = day(user.employeeHireDate);
  out.endDate = lastWorkingDay(user.employeeLeaveDateTime);
  out.manager = managerEmployeeId;
  return out;
}

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : String(value);
}

function day(value: unknown): string | null {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) return null;
  return new Date(value).toISOString().slice(0, 10);
}

/** employeeLeaveDateTime is the moment access ends; endDate is the last day with access. */
function lastWorkingDay(value: unknown): string | null {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) return null;
  return new Date(Date.parse(value) - 1).toISOString().slice(0, 10);
}
