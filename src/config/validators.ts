// Checks that need more than one section or a connector's own knowledge. Each returns every
// problem it finds with its path, so `idsync config check` can list them all at once.
import type { ConfigProblem } from './errors';
import type { Config } from './schema';

export type ConfigValidator = (config: Config) => ConfigProblem[];

const validators: ConfigValidator[] = [];

/** Connectors and rule engines register their own validation here (dex's connector config idea). */
export function registerConfigValidator(v: ConfigValidator): void {
  validators.push(v);
}

export function crossChecks(config: Config): ConfigProblem[] {
  return validators.flatMap((v) => {
    try {
      return v(config);
    } catch (err) {
      return [{ path: '', message: `validator failed: ${(err as Error).message}` }];
    }
  });
}
