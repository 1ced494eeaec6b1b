// A site whose people live in a cloud directory: a config with one directory source on a 2-second
// schedule, the LDAP view and a SCIM application, plus the operator's tools the e2e tests use on it
// (ldapwhoami, ldapsearch, `idsync password set`).
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ScimServer } from '../fakes/scim-server';
import { IDSYNC_BIN as BIN } from './process';
import { freePort } from './slapd';
import { testConfig } from './test-config';

const run = promisify(execFile);
export const BASE = 'dc=example,dc=com';
const APP_DN = `cn=app,ou=services,${BASE}`;
const APP_PW = 'app-secret';
export const PASSWORD = 'a long enough password';
export const personDn = (uid: string): string => `uid=${uid},ou=people,${BASE}`;

export interface DirectorySite {
  dir: string;
  config: string;
  prefix: string;
  ldapUrl: string;
}

export interface SiteOptions {
  /** the source's cron schedule; by default node-cron's seconds field, a run every 2 seconds */
  schedule?: string;
  /** further top-level YAML lines (an `inbound:` section) */
  extra?: string[];
}

/**
 * `source` is the YAML flow mapping of the source without its braces; the site adds the schedule
 * (by default a run every 2 seconds, the first full and the next ones incremental).
 * Engineers get an account in the SCIM application "wiki".
 */
export async function directorySite(source: string, scim: ScimServer, options: SiteOptions = {}): Promise<DirectorySite> {
  const ldapUrl = `ldap://127.0.0.1:${await freePort()}`;
  const { dir, config, prefix } = testConfig('e2e-directory', (dir) => [
    'sources:',
    `  - { ${source}, schedule: "${options.schedule ?? '*/2 * * * * *'}" }`,
    'ldap:',
    `  baseDN: ${BASE}`,
    `  listen: [ "${ldapUrl}" ]`,
    `  serviceAccounts: [ { name: app, password: ${APP_PW} } ]`,
    'targets:',
    `  - { name: wiki, kind: scim, url: "${scim.url}", token: "${scim.token}" }`,
    'roles:',
    `  - { name: engineering, when: 'department == "Engineering"', targets: { wiki: { groups: [developers] } } }`,
    `audit: { sinks: [ { kind: file, path: ${join(dir, 'audit.jsonl')} } ] }`,
    ...(options.extra ?? []),
    '',
  ]);
  return { dir, config, prefix, ldapUrl };
}

/** Result code of ldapwhoami as a person (0 bound, 49 invalid credentials). */
export function whoami(url: string, uid: string, password = PASSWORD): Promise<number> {
  return run('ldapwhoami', ['-x', '-H', url, '-D', personDn(uid), '-w', password]).then(
    () => 0,
    (err: { code?: number }) => err.code ?? -1,
  );
}

export async function ldapsearch(url: string, filter: string, ...attrs: string[]): Promise<string> {
  const { stdout } = await run('ldapsearch', ['-x', '-LLL', '-o', 'ldif-wrap=no', '-H', url, '-D', APP_DN, '-w', APP_PW, '-b', BASE, filter, ...attrs]);
  return stdout;
}

/** The memberOf values of one person, lower-cased. */
export async function memberOf(url: string, uid: string): Promise<string[]> {
  const out = await ldapsearch(url, `(uid=${uid})`, 'memberOf');
  return out.split('\n').filter((l) => l.startsWith('memberOf: ')).map((l) => l.slice('memberOf: '.length).toLowerCase());
}

/** `idsync password set`, the password on stdin, as an operator runs it. */
export function setPassword(config: string, uid: string, password = PASSWORD): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'password', 'set', '--config', config, '--user', uid], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`password set --user ${uid} exited ${code}: ${stderr}`))));
    child.stdin.end(`${password}\n`);
  });
}

export function scimUser(scim: ScimServer, userName: string): any {
  return [...scim.users.values()].find((u: any) => String(u.userName).toLowerCase() === userName);
}

/** The daemon, started as an operator starts it. */
export function startDaemon(site: DirectorySite) {
  return spawn(process.execPath, [BIN, 'run', '--config', site.config], { stdio: 'ignore' });
}
