// A throw-away configuration for a test daemon or CLI run: its own folder, a SQLite store in it and
// a Redis prefix no other test uses (tests share the machine's Redis and delete only their own keys).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ConfigError } from '../../src/config/errors';
import { loadConfig } from '../../src/config/loader';

export interface TestConfig {
  dir: string;
  /** path of the written idsync.yaml */
  config: string;
  /** the Redis key prefix the configuration uses */
  prefix: string;
}

/** A new folder named after `label`; `body(dir)` gives the YAML lines after `store:` and `redis:`. */
export function testConfig(label: string, body: (dir: string) => string[]): TestConfig {
  const dir = mkdtempSync(join(tmpdir(), `idsync-${label}-`));
  const prefix = `idsync-test-${randomUUID()}`;
  const config = join(dir, 'idsync.yaml');
  writeFileSync(config, [
    `store: { kind: sqlite, path: ${join(dir, 'idsync.db')} }`,
    `redis: { url: redis://127.0.0.1:6379, prefix: ${prefix} }`,
    ...body(dir),
  ].join('\n'));
  return { dir, config, prefix };
}

/**
 * Loads `yaml` as idsync.yaml from a new folder (`files` written beside it first) and returns each
 * configuration problem as `path: message`, [] when it is valid. Any other error is thrown.
 */
export function configProblems(yaml: string, files: Record<string, string> = {}): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'idsync-cfg-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const file = join(dir, 'c.yaml');
  writeFileSync(file, yaml);
  try {
    loadConfig(file, { baseDir: dir, env: {} });
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
}
