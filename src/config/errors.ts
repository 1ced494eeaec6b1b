/** One problem in a configuration file, located by its path (e.g. `sources[0].path`). */
export interface ConfigProblem {
  path: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly file: string, readonly problems: ConfigProblem[]) {
    super(
      problems.length === 1
        ? `${file}: ${formatProblem(problems[0])}`
        : `${file} has ${problems.length} problems, the first: ${formatProblem(problems[0])}`,
    );
    this.name = 'ConfigError';
  }
}

export function formatProblem(p: ConfigProblem): string {
  return p.path ? `${p.path}: ${p.message}` : p.message;
}

/** `['sources', 0, 'path']` -> `sources[0].path` */
export function formatPath(parts: readonly PropertyKey[]): string {
  return parts
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}
