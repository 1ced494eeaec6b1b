export { createRolePolicy, openTargetsOf, rolesHeld, rolesOfRule, ALL_ACTIVE_RULE } from './policy';
export { validateRoles, compileRoles, RoleConfigError, type ConfigProblem, type CompiledRole } from './compile';
export { compileCondition, ROLE_VARIABLES } from './cel';
export { compileGroupNesting, validateGroupNesting, GroupConfigError, type GroupDeclaration, type GroupNesting } from './nesting';
