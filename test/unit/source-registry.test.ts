import { openSource, sourceKinds, validateSourceConfig } from '../../src/connectors/sources';
import { configProblems } from '../helpers/test-config';

const problemsOf = (yaml: string): string[] => configProblems(yaml);

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

  it('a secret file the loader did not resolve still counts as missing (connectors never read files)', () => {
    const issues = (cfg: Record<string, unknown>) => {
      const v = validateSourceConfig(cfg);
      return v.ok ? [] : v.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    const url = 'https://wd5-services1.myworkday.com/ccx/service/customreport2/acme/ISU/Workers';
    expect(issues({ name: 'wd', kind: 'workday', url, username: 'u', passwordFile: '/x', timeZone: 'UTC' })).toEqual(['password: set either password or passwordFile (one of them)']);
    expect(issues({ name: 'wd', kind: 'workday', url, tokenFile: '/x', timeZone: 'UTC' })).toEqual(['token: token (or tokenFile) is required']);
    expect(issues({ name: 'b', kind: 'bamboohr', url: 'https://api.bamboohr.com/api/gateway.php/acme', apiKeyFile: '/x' })).toEqual(['apiKey: is required (or apiKeyFile)']);
    expect(issues({ name: 'o', kind: 'okta', url: 'https://acme.okta.com', tokenFile: '/x' })).toEqual(['token: token (or tokenFile) is required']);
  });

  it('config check names every bad field of a workday and a bamboohr source by path', () => {
    const problems = problemsOf([
      'store: { kind: memory }',
      'sources:',
      '  - { name: wd, kind: workday, url: "ftp://wd5.example/report", password: pw, timeZone: "Australia/Sidney", columns: { employeeId: null, "given name": X }, attempts: 0 }',
      '  - { name: wd2, kind: workday, url: "https://wd5-services1.myworkday.com/ccx/service/customreport2/acme/ISU/Workers?format=csv", token: t, username: u, password: p }',
      '  - { name: wd3, kind: workday, url: "https://wd5-services1.myworkday.com/ccx/service/customreport2/acme/ISU/Workers", token: t }',
      '  - { name: bamboo, kind: bamboohr, url: "https://api.bamboohr.com/api/gateway.php/acme/v1", fields: { status: status }, timeZone: "GMT+2", fullEvery: 0, pageSize: 5 }',
    ].join('\n'));
    expect(problems.sort()).toEqual([
      'sources[0].attempts: Too small: expected number to be >=1',
      'sources[0].columns.employeeId: cannot be null: the employee id is what identifies a worker',
      'sources[0].columns.given name: is not an attribute name (letters, digits and "_", starting with a letter)',
      'sources[0].timeZone: "Australia/Sidney" is not an IANA time zone (e.g. "Europe/Berlin", "Australia/Sydney", "UTC")',
      'sources[0].url: must be the http(s) URL of the RaaS report (…/ccx/service/customreport2/<tenant>/<owner>/<report>)',
      'sources[0].username: is required with password/passwordFile',
      'sources[1].timeZone: is required: the tenant\'s IANA time zone, e.g. "America/Los_Angeles"',
      'sources[1].token: set either username with password/passwordFile or token/tokenFile, not both',
      'sources[1].url: asks for another format: idsync reads the report as ?format=json (leave format out or set it to json)',
      'sources[2].timeZone: is required: the tenant\'s IANA time zone, e.g. "America/Los_Angeles"',
      'sources[3].apiKey: is required (or apiKeyFile)',
      'sources[3].fields.status: is derived from status, employmentHistoryStatus and terminationDate; it cannot be mapped',
      'sources[3].fullEvery: Too small: expected number to be >=1',
      'sources[3].timeZone: "GMT+2" is not an IANA time zone (e.g. "Europe/Berlin", "Australia/Sydney", "UTC")',
      'sources[3].url: must end in /api/gateway.php/<company> (the company subdomain, without /v1)',
      'sources[3]: unknown key(s): pageSize',
    ]);
  });

  it('an unknown kind lists the known ones', () => {
    const problems = problemsOf(['store: { kind: memory }', 'sources:', '  - { name: hr, kind: peoplesoft }'].join('\n'));
    expect(problems).toEqual([`sources[0].kind: unknown kind; known: ${sourceKinds().join(', ')}`]);
    expect(validateSourceConfig({ name: 'x' })).toEqual({ ok: false, issues: [{ path: ['kind'], message: `is required; known: ${sourceKinds().join(', ')}` }] });
  });
});
