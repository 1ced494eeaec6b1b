import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/loader';
import { ConfigError } from '../../src/config/errors';
import { openSource, sourceKinds, validateSourceConfig } from '../../src/connectors/sources';

function problemsOf(yaml: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'idsync-srcreg-'));
  const file = join(dir, 'c.yaml');
  writeFileSync(file, yaml);
  try {
    loadConfig(file, { baseDir: dir, env: {} });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

describe('source registry', () => {
  it('registers every kind, the fake included, without a side-effect import', () => {
    expect(sourceKinds()).toEqual(expect.arrayContaining(['csv', 'fake']));
    const fake = openSource({ name: 'demo', kind: 'fake', records: [{ employeeId: 'E1', givenName: 'A', sn: 'B' }] }, { baseDir: '.' });
    expect(fake.kind).toBe('fake');
  });

  it('config check names every bad field of every source kind by path', () => {
    const problems = problemsOf([
      'store: { kind: memory }',
      'sources:',
      '  - { name: hr, kind: csv, delimiter: "|", settleSeconds: -1, extra: 1 }',
      '  - { name: demo, kind: fake, records: 3, precedence: 1.5, join: [] }',
    ].join('\n'));
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^sources\[0\]\.path: is required/),
      expect.stringMatching(/^sources\[0\]\.delimiter: /),
      expect.stringMatching(/^sources\[0\]\.settleSeconds: /),
      'sources[0]: unknown key(s): extra',
      expect.stringMatching(/^sources\[1\]\.records: /),
      expect.stringMatching(/^sources\[1\]\.precedence: /),
      expect.stringMatching(/^sources\[1\]\.join: /),
    ]));
  });

  it('an unknown kind lists the known ones', () => {
    const problems = problemsOf(['store: { kind: memory }', 'sources:', '  - { name: hr, kind: workday }'].join('\n'));
    expect(problems).toEqual([`sources[0].kind: unknown kind; known: ${sourceKinds().join(', ')}`]);
    expect(validateSourceConfig({ name: 'x' })).toEqual({ ok: false, issues: [{ path: ['kind'], message: `is required; known: ${sourceKinds().join(', ')}` }] });
  });
});
