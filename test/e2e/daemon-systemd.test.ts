// The built daemon under a stand-in for systemd's notification socket: READY=1 only once the LDAP
// listener and the admin API answer, WATCHDOG=1 keeps coming at half WATCHDOG_USEC, STATUS= says
// what it does, STOPPING=1 on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { connect } from 'node:net';
import { freePort } from '../helpers/slapd';
import { workspace } from '../helpers/cli';
import { IDSYNC_BIN as BIN, stopChild, until, waitForExit } from '../helpers/process';
import { bindNotifySocket, type NotifySocket } from '../helpers/notify-socket';

const ADMIN_TOKEN = 'systemd-e2e-token-0123456789';
const WATCHDOG_USEC = 300_000;

function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

describe('the daemon under systemd (fake NOTIFY_SOCKET)', () => {
  let notify: NotifySocket;
  let child: ChildProcess | undefined;
  beforeEach(async () => {
    notify = await bindNotifySocket();
  });
  afterEach(async () => {
    await stopChild(child);
    notify.close();
  });

  it('sends READY=1 only after the LDAP listener accepts, pings the watchdog, reports STATUS and STOPPING=1', async () => {
    const [ldapPort, adminPort] = [await freePort(), await freePort()];
    const ws = workspace();
    appendFileSync(
      ws.config,
      [
        'ldap:',
        '  baseDN: dc=example,dc=com',
        `  listen: [ "ldap://127.0.0.1:${ldapPort}" ]`,
        '  serviceAccounts: [ { name: app, password: "app-secret-app-secret" } ]',
        'targets:',
        '  - { name: app, kind: fake }',
        `admin: { listen: "tcp://127.0.0.1:${adminPort}", token: "${ADMIN_TOKEN}" }`,
        '',
      ].join('\n'),
    );
    ws.writeCsv([{ id: 'E1', first: 'Ada', last: 'Lovelace' }]);
    // At the moment READY=1 arrives, the listener and the admin API must already answer.
    const atReady: Promise<{ ldap: boolean; admin: number }> = new Promise((resolve) => {
      notify.onMessage((m) => {
        if (m.fields.READY !== '1') return;
        void (async () => {
          const ldap = await tcpAccepts(ldapPort);
          const res = await fetch(`http://127.0.0.1:${adminPort}/v1/health/ready`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }).catch(() => null);
          resolve({ ldap, admin: res?.status ?? 0 });
        })();
      });
    });
    child = spawn(process.execPath, [BIN, 'run', '--config', ws.config], {
      stdio: 'ignore',
      env: { ...process.env, NOTIFY_SOCKET: notify.path, WATCHDOG_USEC: String(WATCHDOG_USEC) },
    });
    const ready = await Promise.race([atReady, waitForExit(child, 30000).then((code) => ({ exited: code }))]);
    expect(ready).toEqual({ ldap: true, admin: 200 });

    const statuses = () => notify.messages.filter((m) => m.fields.STATUS !== undefined).map((m) => m.fields.STATUS);
    const readyIndex = notify.messages.findIndex((m) => m.fields.READY === '1');
    expect(notify.messages.slice(0, readyIndex).map((m) => m.fields.STATUS)).toContain('starting');
    await until(() => (statuses().includes('syncing source hr') ? true : undefined), 20000);
    await until(() => (statuses().lastIndexOf('idle') > statuses().indexOf('syncing source hr') ? true : undefined), 20000);

    // Watchdog: pings at half WATCHDOG_USEC keep coming, never far apart.
    const readyAt = notify.messages[readyIndex].at;
    await new Promise((r) => setTimeout(r, 2000));
    const pings = notify.messages.filter((m) => m.fields.WATCHDOG === '1' && m.at >= readyAt).map((m) => m.at);
    expect(pings.length).toBeGreaterThanOrEqual(5);
    // the typical gap is half the interval; the median, because a loaded CI machine delays some
    const gaps = pings.slice(1).map((t, i) => t - pings[i]).sort((a, b) => a - b);
    expect(gaps[Math.floor(gaps.length / 2)]).toBeLessThan(WATCHDOG_USEC / 1000);

    const exited = waitForExit(child, 20000);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const stopping = notify.messages.find((m) => m.fields.STOPPING === '1');
    expect(stopping?.fields.STATUS).toBe('stopping');
  });

  it('sends no watchdog pings when WATCHDOG_USEC is not set', async () => {
    const ws = workspace();
    ws.writeCsv([{ id: 'E1', first: 'Ada', last: 'Lovelace' }]);
    child = spawn(process.execPath, [BIN, 'run', '--config', ws.config], { stdio: 'ignore', env: { ...process.env, NOTIFY_SOCKET: notify.path, WATCHDOG_USEC: '' } });
    await until(() => (notify.messages.some((m) => m.fields.READY === '1') ? true : undefined), 30000);
    await new Promise((r) => setTimeout(r, 700));
    expect(notify.messages.filter((m) => m.fields.WATCHDOG === '1')).toEqual([]);
  });
});
