// Groups of two sources, or of a source and the role rules, share one namespace under ou=groups.
// `groups.prefix` keeps them apart; this check finds configurations where they cannot be kept
// apart by their configured names alone. Names the sources deliver are checked again by the sync.
import type { ConfigProblem } from '../../config/errors';
import type { SourceConfig } from './registry';

interface ClashInput {
  sources: SourceConfig[];
  roles: Array<{ name: string; groups: string[] }>;
  groups: Array<{ name: string }>;
}

/** Whether a source reads groups as configured (google does unless told not to). */
export function bringsGroups(cfg: SourceConfig): boolean {
  if (cfg.kind === 'ldap') return cfg.groupsDN !== undefined;
  const groups = (cfg as { groups?: { enabled?: boolean } }).groups;
  return groups !== undefined && groups.enabled !== false;
}

export function groupPrefix(cfg: SourceConfig): string {
  const prefix = (cfg as { groups?: { prefix?: unknown } }).groups?.prefix;
  return typeof prefix === 'string' ? prefix : '';
}

/**
 * A google source reads every group unless told otherwise. Two of them left at that default are
 * not sure to clash (often different domains), so that pair is only a warning; the sync still
 * refuses a clashing name when it meets one.
 */
function groupsByDefault(cfg: SourceConfig): boolean {
  return cfg.kind === 'google' && cfg.groups.enabled && cfg.groups.include.length === 0 && cfg.groups.prefix === '';
}

interface Pair {
  first: { cfg: SourceConfig; index: number };
  second: { cfg: SourceConfig; index: number };
}

function samePrefixPairs(config: ClashInput): Pair[] {
  const bringing = config.sources.map((cfg, index) => ({ cfg, index })).filter(({ cfg }) => bringsGroups(cfg));
  return bringing.flatMap((second, k) => {
    const first = bringing.slice(0, k).find((a) => groupPrefix(a.cfg).toLowerCase() === groupPrefix(second.cfg).toLowerCase());
    return first ? [{ first, second }] : [];
  });
}

function pairProblem({ first, second }: Pair): ConfigProblem {
  const prefix = groupPrefix(second.cfg);
  return {
    path: `sources[${second.index}].groups.prefix`,
    message:
      `sources "${first.cfg.name}" and "${second.cfg.name}" both bring groups ${prefix ? `with the prefix "${prefix}"` : 'without a prefix'}, ` +
      'so their group names can clash under ou=groups: give one of them its own groups.prefix (or stop reading its groups)',
  };
}

const bothByDefault = (p: Pair): boolean => groupsByDefault(p.first.cfg) && groupsByDefault(p.second.cfg);

/** Pairs of google sources both reading all groups by default, without a prefix: worth a warning, not a failure. */
export function sourceGroupClashWarnings(config: ClashInput): ConfigProblem[] {
  return samePrefixPairs(config).filter(bothByDefault).map(pairProblem);
}

export function sourceGroupClashes(config: ClashInput): ConfigProblem[] {
  const problems = samePrefixPairs(config).filter((p) => !bothByDefault(p)).map(pairProblem);
  const bringing = config.sources.filter(bringsGroups);
  for (const cfg of bringing) {
    const prefix = groupPrefix(cfg).toLowerCase();
    if (!prefix) continue;
    config.roles.forEach((role, i) =>
      role.groups.forEach((name, j) => {
        if (name.toLowerCase().startsWith(prefix)) problems.push(roleClash(`roles[${i}].groups[${j}]`, `role "${role.name}"`, name, cfg));
      }),
    );
    config.groups.forEach((g, i) => {
      if (g.name.toLowerCase().startsWith(prefix)) problems.push(roleClash(`groups[${i}].name`, 'the groups section', g.name, cfg));
    });
  }
  return problems;
}

function roleClash(path: string, where: string, name: string, cfg: SourceConfig): ConfigProblem {
  return {
    path,
    message: `group "${name}" of ${where} starts with groups.prefix "${groupPrefix(cfg)}" of source "${cfg.name}", so it can clash with that source's groups: rename it or change the prefix`,
  };
}
