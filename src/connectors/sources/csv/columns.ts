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
export const REQUIRED_ATTRIBUTES = ['employeeId', 'givenName', 'sn'];

export interface ColumnPlan {
  /** canonical attribute -> index in the row */
  indexOf: Map<string, number>;
  missingRequired: string[];
}

/** Matches the header line against the mapping; headers compare trimmed and case-insensitively. */
export function planColumns(header: string[], overrides: Record<string, string>): ColumnPlan {
  const mapping = { ...DEFAULT_COLUMNS, ...overrides };
  const positions = new Map(header.map((h, i) => [h.trim().toLowerCase(), i]));
  const indexOf = new Map<string, number>();
  for (const [attribute, column] of Object.entries(mapping)) {
    const i = positions.get(column.trim().toLowerCase());
    if (i !== undefined) indexOf.set(attribute, i);
  }
  const missingRequired = REQUIRED_ATTRIBUTES.filter((a) => !indexOf.has(a)).map((a) => mapping[a]);
  return { indexOf, missingRequired };
}
