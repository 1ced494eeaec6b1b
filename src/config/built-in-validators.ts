import { registerConfigValidator } from './validators';
import type { ConfigProblem } from './errors';
import { validateTargetConfig } from '../connectors/targets';
import { validateRoles } from '../domain/roles/compile';
import { validateGroupNesting } from '../domain/roles/nesting';
import { sourceGroupClashes } from '../connectors/sources/group-clashes';

let registered = false;

/** `targets[2].url: must be an http(s) URL` -> { path, message } */
function splitProblem(line: string): ConfigProblem {
  const i = line.indexOf(': ');
  return i > 0 ? { path: line.slice(0, i), message: line.slice(i + 2) } : { path: '', message: line };
}

/**
 * Registers the validation that lives with connectors and rule engines (each knows its own
 * configuration, dex-style). Called by the CLI and the daemon before loading; idempotent.
 */
export function registerBuiltInValidators(): void {
  if (registered) return;
  registered = true;
  registerConfigValidator((config) => config.targets.flatMap((t, i) => validateTargetConfig(t, `targets[${i}]`).map(splitProblem)));
  registerConfigValidator((config) => validateRoles(config.roles, config.targets.map((t) => t.name)));
  registerConfigValidator((config) => validateGroupNesting(config.groups));
  registerConfigValidator((config) => sourceGroupClashes(config));
  registerConfigValidator((config) => {
    const seen = new Set<string>();
    return config.targets.flatMap((t, i) => {
      const dup = seen.has(t.name);
      seen.add(t.name);
      return dup ? [{ path: `targets[${i}].name`, message: `duplicate target name "${t.name}"` }] : [];
    });
  });
}
