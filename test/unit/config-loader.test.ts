import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/loader';
import { ConfigError } from '../../src/config/errors';
import { configSchema } from '../../src/config/schema';
import { configWarnings } from '../../src/config/warnings';
import { registerBuiltInValidators } from '../../src/config/built-in-validators';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'idsync-cfg-'));
}

function write(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration loader', () => {
  it('accepts the minimal CSV configuration of the issue and fills defaults', () => {
    const dir = tmp();
    const file = write(dir, 'c.yaml', [
      'store: { kind: sqlite, path: ./data/idsync.db }',
      'redis: { url: redis://127.0.0.1:6379 }',
      'sources:',
      '  - { name: hr, kind: csv, path: ./config/hr.csv, schedule: "*/5 * * * *" }',
    ].join('\n'));
    const { config } = loadConfig(file, { baseDir: dir, env: {} });
    const src = config.sources[0];
    expect(src.kind).toBe('csv');
    expect(src.join).toEqual(['employeeId', 'mail']);
    expect(src.safety).toEqual({ maxRemovals: 500, maxRemovalPercent: 20, minPopulationRatio: 0.5, maxAttributeChanges: 500, maxAttributeChangePercent: 20, attributeChangeFloor: 10, groupChangeFloor: 10 });
    expect(config.redis.prefix).toBe('idsync');
    expect(config.identity.usernameMaxLength).toBe(20);
  });

  it('expands ${ENV} and ${ENV:-default} and names a missing variable with its path', () => {
    const dir = tmp();
    const file = write(dir, 'c.yaml', 'store: { kind: sqlite, path: "${DB_DIR}/x.db" }\nredis: { url: "${REDIS_URL:-redis://127.0.0.1:6379}", prefix: "${PFX}" }\n');
    const { config } = loadConfig(file, { baseDir: dir, env: { DB_DIR: '/var/lib/idsync', PFX: 'p1' } });
    expect(config.store).toEqual({ kind: 'sqlite', path: '/var/lib/idsync/x.db' });
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(problemsOf(() => loadConfig(file, { baseDir: dir, env: { PFX: 'x' } }))).toContain('store.path: environment variable DB_DIR is not set');
  });

  it('reads *File secrets, preferring $CREDENTIALS_DIRECTORY for relative paths', () => {
    const dir = tmp();
    const creds = join(dir, 'creds');
    mkdirSync(creds);
    writeFileSync(join(creds, 'app-bind'), 's3cret\n');
    writeFileSync(join(dir, 'app-bind'), 'wrong-one\n');
    const file = write(dir, 'c.yaml', [
      'store: { kind: memory }',
      'ldap:',
      '  baseDN: dc=example,dc=com',
      '  serviceAccounts: [ { name: app, passwordFile: app-bind } ]',
    ].join('\n'));
    const withCreds = loadConfig(file, { baseDir: dir, env: { CREDENTIALS_DIRECTORY: creds } });
    expect(withCreds.config.ldap?.serviceAccounts[0]).toEqual({ name: 'app', password: 's3cret' });
    const withoutCreds = loadConfig(file, { baseDir: dir, env: {} });
    expect(withoutCreds.config.ldap?.serviceAccounts[0].password).toBe('wrong-one');
  });

  it('reports a missing secret file and a key given twice', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'pw'), 'x');
    const file = write(dir, 'c.yaml', [
      'store: { kind: memory }',
      'ldap:',
      '  baseDN: dc=example,dc=com',
      '  serviceAccounts: [ { name: a, passwordFile: nope }, { name: b, password: x, passwordFile: pw } ]',
    ].join('\n'));
    const problems = problemsOf(() => loadConfig(file, { baseDir: dir, env: {} }));
    expect(problems.some((p) => p.startsWith('ldap.serviceAccounts[0].passwordFile: secret file not found'))).toBe(true);
    expect(problems).toContain('ldap.serviceAccounts[1].passwordFile: set either password or passwordFile, not both');
  });

  it('lists every problem at once, each with its path', () => {
    const dir = tmp();
    const file = write(dir, 'c.yaml', [
      'store: { kind: postgres }',
      'sources:',
      '  - { name: hr, kind: csv }',
      '  - { name: hr, kind: csv, path: a.csv, delimiter: "|" }',
      'bogus: 1',
    ].join('\n'));
    const problems = problemsOf(() => loadConfig(file, { baseDir: dir, env: {} }));
    expect(problems.length).toBeGreaterThanOrEqual(4);
    expect(problems.some((p) => p.startsWith('store.kind'))).toBe(true);
    expect(problems.some((p) => p.startsWith('sources[0].path'))).toBe(true);
    expect(problems.some((p) => p.startsWith('sources[1].delimiter'))).toBe(true);
    expect(problems.some((p) => p.includes('bogus'))).toBe(true);
  });

  it('reports YAML syntax errors with their line', () => {
    const dir = tmp();
    const file = write(dir, 'c.yaml', 'store:\n  kind: sqlite\n  path: [unclosed\n');
    const problems = problemsOf(() => loadConfig(file, { baseDir: dir, env: {} }));
    expect(problems[0]).toMatch(/^line [34]: /);
  });

  it('names a configuration file that does not exist', () => {
    expect(problemsOf(() => loadConfig('/nonexistent/idsync.yaml', { env: {} }))[0]).toContain('no such file');
  });

  describe('strictness', () => {
    const minimal = ['store: { kind: memory }', 'redis: { url: redis://127.0.0.1:6379 }'];
    const load = (...lines: string[]) => {
      const dir = tmp();
      return problemsOf(() => loadConfig(write(dir, 'c.yaml', [...minimal, ...lines].join('\n')), { baseDir: dir, env: {} }));
    };

    it('refuses a schedule node-cron cannot run, naming the source path', () => {
      expect(load('sources:', '  - { name: hr, kind: csv, path: hr.csv, schedule: "every 5 minutes" }')).toEqual([
        'sources[0].schedule: "every 5 minutes" is not a valid cron expression (e.g. "*/5 * * * *": minute hour day month weekday)',
      ]);
      expect(load('sources:', '  - { name: hr, kind: csv, path: hr.csv, schedule: "61 * * * *" }')[0]).toMatch(/^sources\[0\]\.schedule: /);
    });

    it('names a misspelt ldap key at its path and suggests the known one', () => {
      expect(load('ldap: { baseDN: "dc=example,dc=com", serviceAcounts: [] }')).toEqual([
        'ldap.serviceAcounts: unknown key "serviceAcounts" (did you mean "serviceAccounts"?)',
      ]);
      expect(load('ldap: { baseDN: "dc=x", bind: { mdoe: local }, zzz: 1 }')).toEqual([
        'ldap.zzz: unknown key "zzz" (known keys: baseDN, listen, serviceAccounts, tls, allowCleartextBinds, anonymous, limits, bind, mfa, lockout, credentialsPath)',
        'ldap.bind.mdoe: unknown key "mdoe" (did you mean "mode"?)',
      ].sort().reverse().sort());
    });

    it('lists the known kinds for an unknown store, source or audit sink kind', () => {
      const problems = load('sources:', '  - { name: hr, kind: peoplesoft }', 'audit: { sinks: [ { kind: kafka } ] }').concat(
        problemsOf(() => loadConfig(write(tmp(), 'c.yaml', 'store: { kind: postgres }'), { env: {} })),
      );
      expect(problems).toEqual(expect.arrayContaining([
        'sources[0].kind: unknown kind; known: bamboohr, csv, entra, fake, google, ldap, okta, scim, workday',
        'audit.sinks[0].kind: unknown kind; known: file, syslog',
        'store.kind: unknown kind; known: sqlite, mongodb, memory',
      ]));
    });

    it('names a misspelt key of a target and an invalid reconcile schedule', () => {
      registerBuiltInValidators();
      const hook = 'name: hooks, kind: webhook, url: "https://example.com/h", secret: "0123456789abcdef0123"';
      expect(load('targets:', `  - { ${hook}, timeoutMS: 5 }`)).toEqual(['targets[0].timeoutMS: unknown key "timeoutMS" (did you mean "timeoutMs"?)']);
      expect(load('targets:', `  - { ${hook}, reconcile: { schedule: "nightly" } }`)).toEqual([
        'targets[0].reconcile.schedule: "nightly" is not a valid cron expression (e.g. "*/5 * * * *": minute hour day month weekday)',
      ]);
    });

    it('leaves no object in the schema open to unknown keys (targets are checked per kind instead)', () => {
      const open: string[] = [];
      const seen = new Set<unknown>();
      const walk = (schema: unknown, path: string): void => {
        const def = (schema as { _zod?: { def: Record<string, any> } })?._zod?.def;
        if (!def || seen.has(schema)) return;
        seen.add(schema);
        if (def.type === 'object') {
          if (def.catchall?._zod.def.type !== 'never' && path !== '.targets[]') open.push(path);
          for (const [k, v] of Object.entries(def.shape)) walk(v, `${path}.${k}`);
        }
        for (const inner of [def.innerType, def.element, def.in, def.out, def.valueType, ...(def.options ?? [])]) walk(inner, def.type === 'array' ? `${path}[]` : path);
      };
      walk(configSchema, '');
      expect(open).toEqual([]);
    });

    it('warns about a CSV path that does not exist, without making the configuration invalid', () => {
      const dir = tmp();
      const file = write(dir, 'c.yaml', [...minimal, 'sources:', '  - { name: hr, kind: csv, path: ./missing.csv }', '  - { name: ok, kind: csv, path: ./here.csv }'].join('\n'));
      write(dir, 'here.csv', 'employee_id\n');
      const { config } = loadConfig(file, { baseDir: dir, env: {} });
      expect(configWarnings(config, dir)).toEqual([
        { path: 'sources[0].path', message: `no file at ${join(dir, 'missing.csv')} yet; runs of source "hr" are incomplete (nobody is removed) until it exists` },
      ]);
    });
  });
});
