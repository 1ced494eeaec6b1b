// The access rules every engine runs with, daemon or CLI: department groups always, role rules and
// the intent planner when targets, roles or the admin API are configured. Built in one place so a
// one-shot command can never plan with different rules than the daemon applies.
import type { Config } from '../config/schema';
import { rolesSchema, targetSchema, type TargetConfig } from '../config/sections/targets';
import { noTargetsPlanner, type AccessPolicy, type IntentPlanner } from '../domain/access';
import { createIntentPlanner } from '../domain/provisioning';
import { compileRoles, createRolePolicy, openTargetsOf, type CompiledRole } from '../domain/roles';
import type { GroupDeclaration } from '../domain/roles/nesting';
import type { RoleConfig } from '../domain/roles/types';
import { systemClock, type Clock } from '../ports/clock';
import { departmentGroupsPolicy } from '../services/policy/department-groups';

export interface AccessRules {
  policy: AccessPolicy;
  planner: IntentPlanner;
}

export function wantsProvisioning(config: Config): boolean {
  return config.targets.length > 0 || config.roles.length > 0 || !!config.admin;
}

export function parseTargets(config: Config): TargetConfig[] {
  return config.targets.map((t) => targetSchema.parse(t));
}

export function accessRules(config: Config, clock: Clock = systemClock): AccessRules {
  if (!wantsProvisioning(config)) return { policy: departmentGroupsPolicy, planner: noTargetsPlanner };
  const targets = parseTargets(config);
  return {
    policy: createRolePolicy(rolesSchema.parse(config.roles), targets, departmentGroupsPolicy),
    planner: createIntentPlanner(targets, () => clock.now()),
  };
}

/** What grants access, as the policy above compiles it: for reports on the rules themselves. */
export interface GrantRules {
  roles: RoleConfig[];
  compiled: Map<string, CompiledRole>;
  /** targets no role names: every active person gets an account there */
  openTargets: string[];
  declaredGroups: GroupDeclaration[];
}

export function grantRules(config: Config): GrantRules {
  const roles = rolesSchema.parse(config.roles);
  const targets = parseTargets(config);
  const compiled = compileRoles(roles, targets.map((t) => t.name));
  // without targets, roles or the admin API the department groups are the only rule (see accessRules)
  const openTargets = wantsProvisioning(config) ? openTargetsOf(compiled, targets) : [];
  return { roles, compiled, openTargets, declaredGroups: config.groups };
}
