// A new user's path: start the daemon with an `ldap:` section, read the directory with ldapsearch.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { freePort } from '../helpers/slapd';
import { workspace } from '../helpers/cli';
import { IDSYNC_BIN as BIN, stopChild, until } from '../helpers/process';
import Redis from 'ioredis';
import { deletePrefix } from '../../src/redis/keys';

const run = promisify(execFile);
const APP_DN = 'cn=app,ou=services,dc=example,dc=com';

async function ldapsearch(url: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('ldapsearch', ['-x', '-LLL', '-o', 'ldif-wrap=no', '-H', url, '-D', APP_DN, '-w', 'app-secret', '-b', 'dc=example,dc=com', ...args]);
  return stdout;
}

describe('the daemon serves the directory over LDAP', () => {
  let child: ChildProcess;
  afterEach(() => stopChild(child));

  it('answers ldapsearch with the synced people, and a termination removes them', async () => {
    const port = await freePort();
    const url = `ldap://127.0.0.1:${port}`;
    const ws = workspace();
    appendFileSync(ws.config, `ldap:\n  baseDN: dc=example,dc=com\n  listen: [ "${url}" ]\n  serviceAccounts: [ { name: app, password: "\${TEST_APP_PW}" } ]\n`);
    const others = Array.from({ length: 8 }, (_, i) => ({ id: `E${10 + i}`, first: 'Test', last: `Person${i}` }));
    ws.writeCsv([
      { id: 'E1', first: 'Grace', last: 'Hopper', department: 'Engineering' },
      { id: 'E2', first: 'Alan', last: 'Turing', department: 'Research' },
      ...others,
    ]);
    child = spawn(process.execPath, [BIN, 'run', '--config', ws.config], { stdio: 'ignore', env: { ...process.env, TEST_APP_PW: 'app-secret' } });
    const entry = await until(async () => {
      const out = await ldapsearch(url, '(uid=ghopper)', 'uid', 'mail', 'memberOf');
      return out.includes('dn: uid=ghopper') ? out : undefined;
    }, 20000, { retryOnError: true });
    expect(entry).toContain('mail: grace.hopper@example.com');
    expect(entry).toContain('memberOf: cn=engineering,ou=groups,dc=example,dc=com');
    const groups = await ldapsearch(url, '(cn=research)', 'memberUid');
    expect(groups).toContain('memberUid: aturing');

    // Alan leaves: the next run (forced with sync --once from another process) drops him from the view.
    ws.writeCsv([
      { id: 'E1', first: 'Grace', last: 'Hopper', department: 'Engineering' },
      { id: 'E2', first: 'Alan', last: 'Turing', department: 'Research', status: 'terminated', end: '2021-01-01' },
      ...others,
    ]);
    await run(process.execPath, [BIN, 'sync', '--config', ws.config, '--once'], { env: { ...process.env, TEST_APP_PW: 'app-secret' } });
    await until(async () => ((await ldapsearch(url, '(uid=aturing)', 'uid')).trim() === '' ? true : undefined), 1500, { retryOnError: true });
    expect(await ldapsearch(url, '(uid=ghopper)', 'uid')).toContain('uid: ghopper');
  });

  it('keeps a lockout across a daemon restart (kept in Redis under redis.prefix)', async () => {
    const port = await freePort();
    const url = `ldap://127.0.0.1:${port}`;
    const ws = workspace();
    appendFileSync(ws.config, `ldap:\n  baseDN: dc=example,dc=com\n  listen: [ "${url}" ]\n  serviceAccounts: [ { name: app, password: app-secret } ]\n`);
    ws.writeCsv([{ id: 'E1', first: 'Grace', last: 'Hopper' }]);
    const whoami = (pw: string) =>
      run('ldapwhoami', ['-x', '-H', url, '-D', APP_DN, '-w', pw]).then(
        () => 0,
        (err: { code?: number }) => err.code,
      );
    const redis = new Redis();
    try {
      child = spawn(process.execPath, [BIN, 'run', '--config', ws.config], { stdio: 'ignore' });
      await until(async () => ((await whoami('app-secret')) === 0 ? true : undefined), 20000);
      for (let i = 0; i < 10; i++) expect(await whoami(`guess-${i}`)).toBe(49);
      expect(await whoami('app-secret')).toBe(49);
      await stopChild(child);

      child = spawn(process.execPath, [BIN, 'run', '--config', ws.config], { stdio: 'ignore' });
      // Listening again (anonymous whoami answers), yet the right password is still refused.
      await until(async () => ((await run('ldapwhoami', ['-x', '-H', url]).then(() => true, () => undefined))), 20000);
      expect(await whoami('app-secret')).toBe(49);
      expect(await redis.pttl(`${ws.prefix}:ldap:failures:dn-address:127.0.0.1|${APP_DN}`)).toBeGreaterThan(25 * 60_000);
    } finally {
      await deletePrefix(redis, ws.prefix);
      redis.disconnect();
    }
  }, 60_000);
});
