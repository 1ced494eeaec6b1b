// The access rules every engine runs with, daemon or CLI: department groups always, role rules and
// the intent planner when targets, roles or the admin API are configured. Built in one place so a
// one-shot command can never plan with different rules than the daemon applies.
import type { Config } from '../config/schema';
import { rolesSchema, targetSchema, type TargetConfig } from '../config/sections/targets';
import { noTargetsPlanner, type AccessPolicy, type IntentPlanner } from '../domain/access';
import { createIntentPlanner } from '../domain/provisioning';
import { createRolePolicy } from '../domain/roles';
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
