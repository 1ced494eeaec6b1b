// The job idsync exists for, end to end: HR hires, moves and terminates; a SCIM application follows.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { freePort } from '../helpers/slapd';
import { workspace, type Person } from '../helpers/cli';
import { IDSYNC_BIN as BIN, stopChild, until } from '../helpers/process';
import { startScimServer, type ScimServer } from '../fakes/scim-server';

const run = promisify(execFile);
function scimUser(scim: ScimServer, userName: string): any {
  return [...scim.users.values()].find((u: any) => String(u.userName).toLowerCase() === userName);
}

describe('the daemon provisions a SCIM application by role rules', () => {
  let scim: ScimServer;
  let child: ChildProcess;
  beforeAll(async () => {
    scim = await startScimServer();
  });
  afterAll(async () => {
    await stopChild(child);
    await scim.close();
  });

  it('creates accounts for engineers only, applies a mover through resync, and disables a leaver', async () => {
    const adminPort = await freePort();
    const ws = workspace();
    appendFileSync(
      ws.config,
      [
        'targets:',
        `  - { name: wiki, kind: scim, url: "${scim.url}", token: "${scim.token}" }`,
        'roles:',
        '  - { name: engineering, when: \'department == "Engineering"\', targets: { wiki: { groups: [developers] } } }',
        `admin: { listen: "tcp://127.0.0.1:${adminPort}", token: "e2e-admin-token-0123456789" }`,
        '',
      ].join('\n'),
    );
    const staff: Person[] = Array.from({ length: 8 }, (_, i) => ({ id: `E${10 + i}`, first: 'Eng', last: `Number${i}`, department: 'Engineering' }));
    const grace: Person = { id: 'E1', first: 'Grace', last: 'Hopper', department: 'Engineering', title: 'Engineer' };
    const sam: Person = { id: 'E2', first: 'Sam', last: 'Seller', department: 'Sales' };
    ws.writeCsv([grace, sam, ...staff]);
    child = spawn(process.execPath, [BIN, 'run', '--config', ws.config], { stdio: 'ignore' });

    const account = await until(() => scimUser(scim, 'ghopper'), 20000);
    expect(account).toMatchObject({ active: true, title: 'Engineer' });
    await until(() => (staff.every((p) => scimUser(scim, `e${p.last.toLowerCase()}`)) ? true : undefined), 10000);
    expect(scimUser(scim, 'sseller')).toBeUndefined();

    // A mover: HR changes Grace's title; the helpdesk forces a resync instead of waiting.
    ws.writeCsv([{ ...grace, title: 'Principal Engineer' }, sam, ...staff]);
    const resync = await run(process.execPath, [BIN, 'resync', '--config', ws.config, '--user', 'ghopper']);
    expect(resync.stdout).toMatch(/title: Engineer -> Principal Engineer/);
    expect(scimUser(scim, 'ghopper').title).toBe('Principal Engineer');

    // A leaver, applied by a one-shot sync in another process: the daemon disables the account.
    ws.writeCsv([{ ...grace, title: 'Principal Engineer', status: 'terminated', end: '2021-01-01' }, sam, ...staff]);
    await run(process.execPath, [BIN, 'sync', '--config', ws.config, '--once']);
    await until(() => (scimUser(scim, 'ghopper')?.active === false ? true : undefined), 5000);

    const failed = await run(process.execPath, [BIN, 'queue', 'failed', '--config', ws.config]);
    expect(failed.stdout).not.toContain('ghopper');
  });
});
