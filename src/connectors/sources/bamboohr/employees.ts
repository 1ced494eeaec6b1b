// One employee of a BambooHR custom report -> canonical attributes. BambooHR writes an empty date
// as "0000-00-00", keeps an earlier employment's termination date after a rehire, and says a
// person left in two places: `status` (Active / Inactive) and the current employment status
// (`employmentHistoryStatus`, whose options each company names, "Terminated" among them).
import type { Attributes } from '../../../domain/types';

/** Canonical attribute -> BambooHR field name, as BambooHR's standard fields are called. */
export const DEFAULT_BAMBOOHR_FIELDS: Record<string, string> = {
  employeeId: 'employeeNumber',
  givenName: 'firstName',
  sn: 'lastName',
  mail: 'workEmail',
  title: 'jobTitle',
  department: 'department',
  location: 'location',
  manager: 'supervisorEId',
  startDate: 'hireDate',
  endDate: 'terminationDate',
};

/** Always asked for: the lifecycle depends on them whatever the mapping says. */
export const LIFECYCLE_FIELDS = ['status', 'employmentHistoryStatus', 'terminationDate', 'hireDate'];

const EMPTY_DATE = /^0000-00-00/;

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const s = String(value).trim();
  return s === '' || EMPTY_DATE.test(s) ? null : s;
}

/** terminated when the employment status says so or the employee is Inactive; leave for a leave status. */
export function bamboohrStatus(employee: Record<string, unknown>): 'active' | 'leave' | 'terminated' {
  const employment = (text(employee.employmentHistoryStatus) ?? '').toLowerCase();
  if (employment === 'terminated') return 'terminated';
  if ((text(employee.status) ?? '').toLowerCase() === 'inactive') return 'terminated';
  if (/\bleave\b/.test(employment)) return 'leave';
  return 'active';
}

export function mapEmployee(employee: Record<string, unknown>, mapping: Record<string, string | null>, timeZone: string | undefined): Attributes {
  const attributes: Attributes = {};
  for (const [attribute, field] of Object.entries(mapping)) if (field !== null) attributes[attribute] = text(employee[field]);
  attributes.status = bamboohrStatus(employee);
  const hired = text(employee.hireDate);
  // a rehire keeps the old termination date: one before the latest hire ended an earlier employment
  if (attributes.endDate && hired && attributes.endDate < hired && attributes.status !== 'terminated') attributes.endDate = null;
  if (timeZone) attributes.timeZone = timeZone;
  return attributes;
}
