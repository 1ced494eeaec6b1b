import { registerConfigValidator } from './validators';

let registered = false;

/**
 * Registers the validation that lives with connectors and rule engines. Called by the CLI and the
 * daemon before loading a configuration; idempotent.
 */
export function registerBuiltInValidators(): void {
  if (registered) return;
  registered = true;
  registerConfigValidator(() => []);
}
