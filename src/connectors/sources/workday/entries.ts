// One RaaS Report_Entry -> canonical attributes. Report authors name the columns, Workday leaves
// out a column that is empty for that row, gives a multi-instance field as an array (or, with some
// report settings, one string joined by "; "), a reference as its descriptor, a date as
// `2026-01-15` or with the tenant's offset (`2026-01-15-08:00`) and a boolean as "1"/"0".
import type { Attributes } from '../../../domain/types';

/** Canonical attribute -> column, named as Workday's delivered worker fields are usually aliased. */
export const DEFAULT_WORKDAY_COLUMNS: Record<string, string> = {
  employeeId: 'Employee_ID',
  givenName: 'Legal_First_Name',
  sn: 'Legal_Last_Name',
  mail: 'Primary_Work_Email',
  title: 'Business_Title',
  department: 'Supervisory_Organization',
  manager: 'Manager_Employee_ID',
  location: 'Location',
  employeeType: 'Worker_Type',
  status: 'Worker_Status',
  startDate: 'Hire_Date',
  endDate: 'Termination_Date',
  lastDayOfWork: 'Last_Day_of_Work',
};

const DATE_ATTRIBUTES = new Set(['startDate', 'endDate', 'lastDayOfWork']);

// Worker_Status descriptors, Active_Status / Terminated booleans, and leave spellings.
const STATUS: Record<string, string> = {
  active: 'active', '1': 'active', true: 'active',
  terminated: 'terminated', inactive: 'terminated', '0': 'terminated', false: 'terminated',
  'on leave': 'leave', leave: 'leave', 'leave of absence': 'leave', 'on leave of absence': 'leave',
};

/** The first usable value of a cell: arrays and "a; b" strings give their first, references their descriptor. */
export function cellValue(cell: unknown, multiValuedString: boolean): string | null {
  if (cell === null || cell === undefined) return null;
  if (Array.isArray(cell)) {
    for (const item of cell) {
      const v = cellValue(item, false);
      if (v !== null) return v;
    }
    return null;
  }
  if (typeof cell === 'object') {
    const o = cell as Record<string, unknown>;
    const inner = o.Descriptor ?? o.descriptor ?? o.ID ?? o.id ?? (Object.keys(o).length === 1 ? Object.values(o)[0] : undefined);
    return inner === undefined ? null : cellValue(inner, multiValuedString);
  }
  const text = String(cell).trim();
  if (text === '') return null;
  return multiValuedString ? text.split(/\s*;\s*/).find((part) => part !== '') ?? null : text;
}

/** `2026-01-15`, `2026-01-15-08:00`, `2026-01-15Z`, `2026-01-15T00:00:00.000+10:00` -> `2026-01-15`; others unchanged. */
export function workdayDay(value: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2}|T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(value);
  // the day as the tenant wrote it: converting the offset to UTC would move the day
  return m ? m[1] : value;
}

export type EntryOutcome = { ok: true; externalId: string; attributes: Attributes } | { ok: false; message: string };

/** Maps one entry; a row without an employee id cannot be anyone and is reported, not guessed. */
export function mapEntry(entry: unknown, mapping: Record<string, string | null>, timeZone: string): EntryOutcome {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return { ok: false, message: 'entry is not an object' };
  const row = entry as Record<string, unknown>;
  const attributes: Attributes = {};
  for (const [attribute, column] of Object.entries(mapping)) {
    if (column === null) continue;
    const value = cellValue(row[column], attribute === 'mail');
    attributes[attribute] = value !== null && DATE_ATTRIBUTES.has(attribute) ? workdayDay(value) : value;
  }
  const externalId = attributes.employeeId;
  if (!externalId) return { ok: false, message: `no ${mapping.employeeId} (employeeId)` };
  if (attributes.status != null) attributes.status = STATUS[attributes.status.toLowerCase()] ?? attributes.status;
  settleEndDate(attributes);
  attributes.timeZone = timeZone;
  return { ok: true, externalId, attributes };
}

/**
 * Workday's Termination Date is the last day the worker is employed; Last Day of Work may come
 * before it (garden leave, unused holiday). Access follows the work: the earlier of the two is the
 * end date, the last day access lasts.
 */
function settleEndDate(attributes: Attributes): void {
  const last = attributes.lastDayOfWork;
  delete attributes.lastDayOfWork;
  if (last && (!attributes.endDate || last < attributes.endDate)) attributes.endDate = last;
}
