// What a valid configuration may still get wrong at run time, reported by `config check` without
// failing it: a drop file that is not there yet is normal before the first HR export arrives.
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { unmappedJoinRules } from '../connectors/sources/join-attributes';
import { formatPath, type ConfigProblem } from './errors';
import type { Config } from './schema';
import { sourceGroupClashWarnings } from '../connectors/sources/group-clashes';

export function configWarnings(config: Config, baseDir: string): ConfigProblem[] {
  return [...missingFiles(config, baseDir), ...joinWarnings(config), ...sourceGroupClashWarnings(config)];
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
