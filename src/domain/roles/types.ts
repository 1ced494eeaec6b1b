/** One role rule as configured (`roles:` in the configuration, validated there). */
export interface RoleConfig {
  name: string;
  description?: string;
  /** CEL condition; absent = granted only through another role's `include` */
  when?: string;
  include: string[];
  groups: string[];
  targets: Record<string, { groups: string[] }>;
}
