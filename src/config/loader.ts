import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, formatPath, type ConfigProblem } from './errors';
import { expandTree } from './expand';
import { configSchema, type Config } from './schema';
import { crossChecks } from './validators';
import { closestKey, knownKeysAt, knownKindsAt } from './schema-walk';

export interface LoadedConfig {
  config: Config;
  file: string;
  /** relative paths in the configuration resolve against this directory (the working directory) */
  baseDir: string;
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  baseDir?: string;
}

/** Reads, expands and validates a configuration file; throws ConfigError listing every problem. */
export function loadConfig(file: string, opts: LoadOptions = {}): LoadedConfig {
  const abs = resolve(file);
  const baseDir = opts.baseDir ?? process.cwd();
  const raw = readYaml(abs);
  const problems: ConfigProblem[] = [];
  const expanded = expandTree(raw, [], { env: opts.env ?? process.env, baseDir, problems });
  const parsed = configSchema.safeParse(expanded);
  if (!parsed.success) problems.push(...zodProblems(parsed.error, expanded));
  else problems.push(...crossChecks(parsed.data));
  if (problems.length > 0) throw new ConfigError(file, problems);
  return { config: parsed.data as Config, file: abs, baseDir };
}

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new ConfigError(file, [{ path: '', message: `cannot read the configuration file (${why})` }]);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({ path: `line ${e.linePos?.[0]?.line ?? '?'}`, message: e.message.split('\n')[0] })),
    );
  }
  const value = doc.toJS();
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(file, [{ path: '', message: 'the configuration must be a YAML mapping (key: value)' }]);
  }
  return value;
}

function zodProblems(error: z.ZodError, input: unknown): ConfigProblem[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') return unknownKeyProblems(issue.path, issue.keys, input);
    return [{ path: formatPath(issue.path), message: describeIssue(issue, input) }];
  });
}

/** One problem per unknown key, at its own path, with the key the user most likely meant. */
function unknownKeyProblems(path: PropertyKey[], keys: string[], input: unknown): ConfigProblem[] {
  const known = knownKeysAt(configSchema, path, input);
  return keys.map((key) => {
    const near = closestKey(key, known);
    const hint = near ? `did you mean "${near}"?` : known.length ? `known keys: ${known.join(', ')}` : '';
    return { path: formatPath([...path, key]), message: `unknown key "${key}"${hint ? ` (${hint})` : ''}` };
  });
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === 'invalid_type' && issue.message.includes('undefined')) return `is required (${issue.expected})`;
  if (issue.code === 'invalid_union' && 'discriminator' in issue) {
    const at = issue.path[issue.path.length - 1] === issue.discriminator ? issue.path.slice(0, -1) : issue.path;
    const kinds = knownKindsAt(configSchema, at, input);
    return `unknown ${String(issue.discriminator ?? 'kind')}${kinds.length ? `; known: ${kinds.join(', ')}` : ''}`;
  }
  return issue.message;
}
