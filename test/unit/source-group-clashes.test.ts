import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerBuiltInValidators } from '../../src/config/built-in-validators';
import { loadConfig } from '../../src/config/loader';
import { configWarnings } from '../../src/config/warnings';
import { makeServiceAccount } from '../fakes/google-directory';
import { configProblems } from '../helpers/test-config';

registerBuiltInValidators();

/** loads a config whose sources are these YAML flow mappings; returns its problems ([] when valid) */
function problems(sources: string[], extra: string[] = []): string[] {
  const yaml = ['store: { kind: sqlite, path: ./idsync.db }', 'sources:', ...sources.map((s) => `  - ${s}`), ...extra].join('\n');
  return configProblems(yaml, { 'sa.json': makeServiceAccount('https://oauth2.googleapis.com/token').json });
}

const entra = (name: string, groups = '{}') => `{ name: ${name}, kind: entra, tenantId: t, clientId: c, clientSecret: s, groups: ${groups} }`;
const google = (name: string, groups?: string) =>
  `{ name: ${name}, kind: google, subject: admin@acme.com, credentialsFile: ./sa.json${groups ? `, groups: ${groups}` : ''} }`;
const ldap = (name: string, more = '') => `{ name: ${name}, kind: ldap, url: "ldap://dc1", bindDN: "cn=r,dc=x", bindPassword: p, baseDN: "dc=x"${more} }`;

describe('config check: group names of sources', () => {
  it('names both sources when two bring groups without a prefix', () => {
    expect(problems([entra('entra'), ldap('ad', ', groupsDN: "ou=groups,dc=x"')])).toEqual([
      'sources[1].groups.prefix: sources "entra" and "ad" both bring groups without a prefix, so their group names can clash under ou=groups: give one of them its own groups.prefix (or stop reading its groups)',
    ]);
  });

  it('names both when two sources share one prefix, case aside', () => {
    expect(problems([entra('a', '{ prefix: "dir-" }'), entra('b', '{ prefix: "DIR-" }')])[0]).toMatch(/^sources\[1\]\.groups\.prefix: sources "a" and "b" both bring groups with the prefix "DIR-"/);
  });

  it('accepts sources kept apart by prefixes, and sources that bring no groups', () => {
    expect(problems([entra('a', '{ prefix: "az-" }'), ldap('ad', ', groupsDN: "ou=groups,dc=x", groups: { prefix: "ad-" }'), ldap('ol'), '{ name: hr, kind: csv, path: ./hr.csv }'])).toEqual([]);
  });

  it('two google sources left at their default groups only warn; a configured groups section makes it an error', () => {
    expect(problems([google('g1'), google('g2')])).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'idsync-clash-'));
    writeFileSync(join(dir, 'sa.json'), makeServiceAccount('https://oauth2.googleapis.com/token').json);
    const file = join(dir, 'c.yaml');
    writeFileSync(file, ['store: { kind: sqlite, path: ./idsync.db }', 'sources:', `  - ${google('g1')}`, `  - ${google('g2')}`].join('\n'));
    const { config } = loadConfig(file, { baseDir: dir, env: {} });
    expect(configWarnings(config, dir).map((w) => w.path)).toEqual(['sources[1].groups.prefix']);
    expect(problems([google('g1', '{ include: ["^eng"] }'), google('g2')])).toHaveLength(1);
    expect(problems([google('g1'), google('g2', '{ enabled: false }')])).toEqual([]);
    expect(problems([google('g1'), google('g2', '{ prefix: "two-" }')])).toEqual([]);
    expect(problems([google('g1'), entra('az')])[0]).toMatch(/sources "g1" and "az" both bring groups without a prefix/);
  });

  it('names the role group that starts with a source prefix, and the source', () => {
    const roles = ['roles:', '  - { name: devs, when: "true", groups: [az-admins] }', 'groups:', '  - { name: AZ-all }'];
    expect(problems([entra('a', '{ prefix: "az-" }')], roles)).toEqual([
      'roles[0].groups[0]: group "az-admins" of role "devs" starts with groups.prefix "az-" of source "a", so it can clash with that source\'s groups: rename it or change the prefix',
      'groups[0].name: group "AZ-all" of the groups section starts with groups.prefix "az-" of source "a", so it can clash with that source\'s groups: rename it or change the prefix',
    ]);
  });

  it('rejects an unknown key inside an ldap source groups section by its path', () => {
    expect(problems([ldap('ad', ', groups: { prefx: "x" }')])[0]).toMatch(/^sources\[0\]\.groups/);
  });
});
