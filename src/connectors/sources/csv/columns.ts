import { REQUIRED_CSV_ATTRIBUTES } from './config';

/** Canonical attribute -> CSV header, as an HR export names its columns by default. */
export const DEFAULT_COLUMNS: Record<string, string> = {
  employeeId: 'employee_id',
  givenName: 'first_name',
  sn: 'last_name',
  mail: 'email',
  department: 'department',
  title: 'title',
  manager: 'manager_id',
  status: 'status',
  startDate: 'start_date',
  endDate: 'end_date',
  employeeType: 'employee_type',
  location: 'location',
};

/** Without these a row cannot become a person, so a file lacking them is unusable. */
export const REQUIRED_ATTRIBUTES: readonly string[] = REQUIRED_CSV_ATTRIBUTES;

export interface MissingColumn {
  attribute: string;
  column: string;
}

export interface ColumnPlan {
  /** canonical attribute -> index in the row */
  indexOf: Map<string, number>;
  /**
   * Mapped columns the header lacks, required ones first. Every mapped column counts: a file
   * without `email` would clear everyone's mail and one without `status` would reactivate people
   * on leave, so only a column mapped to null may be absent.
   */
  missing: MissingColumn[];
}

/** Matches the header line against the mapping; headers compare trimmed and case-insensitively. */
export function planColumns(header: string[], overrides: Record<string, string | null>): ColumnPlan {
  const mapping = { ...DEFAULT_COLUMNS, ...overrides };
  const positions = new Map(header.map((h, i) => [h.trim().toLowerCase(), i]));
  const indexOf = new Map<string, number>();
  const missing: MissingColumn[] = [];
  for (const [attribute, column] of Object.entries(mapping)) {
    if (column === null) continue;
    const i = positions.get(column.trim().toLowerCase());
    if (i !== undefined) indexOf.set(attribute, i);
    else missing.push({ attribute, column });
  }
  const required = (m: MissingColumn) => REQUIRED_ATTRIBUTES.includes(m.attribute);
  return { indexOf, missing: [...missing.filter(required), ...missing.filter((m) => !required(m))] };
}
