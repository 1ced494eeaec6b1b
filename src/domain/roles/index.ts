export { createRolePolicy, ALL_ACTIVE_RULE } from './policy';
export { validateRoles, compileRoles, RoleConfigError, type ConfigProblem } from './compile';
export { compileCondition, ROLE_VARIABLES } from './cel';
