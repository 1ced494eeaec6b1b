// CEL (the expression language Kubernetes and dex use) through @marcbachmann/cel-js. That package is
// ESM-only. Node >= 20.19 can require() ES modules natively, but jest's CommonJS module registry
// cannot, so we load it through Node's own require (process.getBuiltinModule bypasses jest's
// registry). Compiled code and tests thus load the very same package, with no transpiled copy.
import { CANONICAL_ATTRIBUTES, type Identity } from '../types';
import type { AccessContext } from '../access';

interface CelCheck {
  valid: boolean;
  type?: string;
  error?: Error;
}
interface CelProgram {
  (context: Record<string, unknown>): unknown;
  check(): CelCheck;
}
interface CelEnvironment {
  registerVariable(name: string, type: string): CelEnvironment;
  parse(expression: string): CelProgram;
  check(expression: string): CelCheck;
}
interface CelModule {
  Environment: new (opts?: Record<string, unknown>) => CelEnvironment;
}

type GetBuiltin = (id: string) => { createRequire(path: string): (id: string) => unknown };

let loaded: CelModule | null = null;

function celModule(): CelModule {
  if (!loaded) {
    const getBuiltin = (process as unknown as { getBuiltinModule?: GetBuiltin }).getBuiltinModule;
    const nativeRequire = getBuiltin ? getBuiltin('node:module').createRequire(__filename) : require;
    loaded = nativeRequire('@marcbachmann/cel-js') as CelModule;
  }
  return loaded;
}

/**
 * Variables a role condition can use: every canonical attribute, plus state, username, a map of all
 * attributes and `groups`, the list of source groups the person is in (`"Engineering" in groups`).
 */
export const ROLE_VARIABLES = [...CANONICAL_ATTRIBUTES, 'state', 'username'] as const;

let environment: CelEnvironment | null = null;

function celEnvironment(): CelEnvironment {
  if (!environment) {
    const env = new (celModule().Environment)();
    for (const name of ROLE_VARIABLES) env.registerVariable(name, 'string');
    env.registerVariable('attributes', 'map<string, string>');
    // A map of group name -> true rather than a list: `"X" in groups`, `groups.exists(g, ...)` and
    // size(groups) read the same, and a prototype-less object is a CEL map in any realm, where a
    // list built in jest's realm is not recognised as one.
    env.registerVariable('groups', 'map<string, bool>');
    environment = env;
  }
  return environment;
}

export type Condition = (identity: Identity, context?: AccessContext) => boolean;

/** Compiles a role condition; throws an Error whose message says what is wrong in the expression. */
export function compileCondition(expression: string): Condition {
  const env = celEnvironment();
  const checked = env.check(expression);
  if (!checked.valid) throw new Error(firstLine(checked.error?.message ?? 'invalid expression'));
  if (checked.type !== 'bool') throw new Error(`must evaluate to bool, not ${checked.type}`);
  const program = env.parse(expression);
  return (identity, context) => {
    try {
      return program(conditionContext(identity, context)) === true;
    } catch {
      // A condition that cannot be evaluated for this person (e.g. a missing custom attribute)
      // grants nothing: least privilege.
      return false;
    }
  };
}

/** Nulls become "" so `title.contains("Lead")` works for people without a title instead of failing. */
export function conditionContext(identity: Identity, context?: AccessContext): Record<string, unknown> {
  // A prototype-less object reads as a CEL map in any realm (jest runs tests in a separate one).
  const attributes: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(identity.attributes)) attributes[k] = v ?? '';
  const groups: Record<string, boolean> = Object.create(null);
  for (const name of context?.groups ?? []) groups[name] = true;
  const ctx: Record<string, unknown> = { attributes, state: identity.state, username: identity.username, groups };
  for (const name of CANONICAL_ATTRIBUTES) ctx[name] = identity.attributes[name] ?? '';
  return ctx;
}

function firstLine(message: string): string {
  return message.split('\n')[0].trim();
}
