// What a valid configuration may still get wrong at run time, reported by `config check` without
// failing it: a drop file that is not there yet is normal before the first HR export arrives.
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { unmappedJoinRules } from '../connectors/sources/join-attributes';
import { formatPath, type ConfigProblem } from './errors';
import type { Config } from './schema';
import { bringsGroups, groupPrefix, sourceGroupClashWarnings } from '../connectors/sources/group-clashes';

export function configWarnings(config: Config, baseDir: string): ConfigProblem[] {
  return [...missingFiles(config, baseDir), ...joinWarnings(config), ...sourceGroupClashWarnings(config), ...consoleRoleGroupWarnings(config)];
}

/**
 * A console role given by a group nobody can be in gives the role to nobody: not granted by a role
 * rule, not declared under groups:, not the default group, and no source brings groups with its
 * prefix. (Department groups are named by the HR data, so the warning says they may be one.)
 */
function consoleRoleGroupWarnings(config: Config): ConfigProblem[] {
  const roles = config.admin?.console?.roles;
  if (!roles) return [];
  const known = new Set([...config.roles.flatMap((r) => r.groups), ...config.groups.map((g) => g.name), config.identity.defaultGroup].map((g) => g.toLowerCase()));
  const prefixes = config.sources.filter(bringsGroups).map((s) => groupPrefix(s).toLowerCase());
  const unknown = (g: string) => !known.has(g.toLowerCase()) && !prefixes.some((p) => g.toLowerCase().startsWith(p));
  const lists: [string, string[]][] = [['helpdesk', roles.helpdesk], ['operator', roles.operator], ['reviewer', roles.reviewer === 'managers' ? [] : roles.reviewer]];
  return lists.flatMap(([role, groups]) =>
    groups.flatMap((g, i) =>
      unknown(g)
        ? [{ path: `admin.console.roles.${role}[${i}]`, message: `no role rule grants group "${g}", the groups section does not declare it and no source brings it, so nobody gets the ${role} role through it (unless it is a department's group)` }]
        : [],
    ),
  );
}

/** A join rule on upn or login a source does not fill is valid, but joins nobody. */
function joinWarnings(config: Config): ConfigProblem[] {
  return config.sources.flatMap((s, i) =>
    unmappedJoinRules(s).map((issue) => ({ path: formatPath(['sources', i, ...issue.path]), message: issue.message })),
  );
}

function missingFiles(config: Config, baseDir: string): ConfigProblem[] {
  return config.sources.flatMap((s, i) => {
    if (s.kind !== 'csv') return [];
    const file = isAbsolute(s.path) ? s.path : resolve(baseDir, s.path);
    if (existsSync(file)) return [];
    return [{ path: `sources[${i}].path`, message: `no file at ${file} yet; runs of source "${s.name}" are incomplete (nobody is removed) until it exists` }];
  });
}
