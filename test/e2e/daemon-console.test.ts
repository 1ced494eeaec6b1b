// The built daemon serves the console beside the API: its pages and the static files that the
// build copies into dist/, without the bearer token; the API still asks for the token.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { freePort } from '../helpers/slapd';
import { workspace } from '../helpers/cli';
import { IDSYNC_BIN as BIN, stopChild, until } from '../helpers/process';

const TOKEN = 'console-e2e-token-0123456789';

describe('the built daemon with admin.console', () => {
  let child: ChildProcess;
  let admin: string;

  beforeAll(async () => {
    const adminPort = await freePort();
    admin = `http://127.0.0.1:${adminPort}`;
    const ws = workspace();
    appendFileSync(
      ws.config,
      [
        'ldap:',
        '  baseDN: dc=example,dc=com',
        `  listen: [ "ldap://127.0.0.1:${await freePort()}" ]`,
        'roles:',
        `  - { name: helpdesk-staff, when: 'title == "Helpdesk"', groups: [helpdesk] }`,
        'admin:',
        `  listen: "tcp://127.0.0.1:${adminPort}"`,
        `  token: "${TOKEN}"`,
        '  console: { roles: { helpdesk: [helpdesk] } }',
        '',
      ].join('\n'),
    );
    ws.writeCsv([{ id: 'E1', first: 'Ada', last: 'Lovelace', title: 'Helpdesk' }]);
    child = spawn(process.execPath, [BIN, 'run', '--config', ws.config], { stdio: 'ignore' });
    await until(async () => ((await fetch(`${admin}/v1/health/live`, { headers: { authorization: `Bearer ${TOKEN}` } })).ok ? true : undefined), 30000, { retryOnError: true });
  });
  afterAll(() => stopChild(child));

  it('serves the sign-in page and the stylesheet and script from dist/, and keeps the token on the API', async () => {
    const page = await fetch(`${admin}/sign-in`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<link rel="stylesheet" href="/console/assets/console.css">');
    expect(page.headers.get('set-cookie')).toMatch(/^idsync_sign_in=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=3600$/);
    const css = await fetch(`${admin}/console/assets/console.css`);
    expect([css.status, css.headers.get('content-type')]).toEqual([200, 'text/css; charset=utf-8']);
    const js = await fetch(`${admin}/console/assets/console.js`);
    expect([js.status, js.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect((await fetch(`${admin}/console/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${admin}/v1/health`)).status).toBe(401);
    const home = await fetch(`${admin}/`, { redirect: 'manual' });
    expect([home.status, home.headers.get('location')]).toEqual([303, '/sign-in?next=%2F']);
  });
});
