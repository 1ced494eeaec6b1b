// The sd_notify adapter against a real unix datagram socket: message format, and watchdog pings
// that come from the event loop, so a blocked loop stops them (and systemd restarts the daemon).
import { openSystemdNotifier, watchdogIntervalMs } from '../../src/observability/sd-notify';
import { silentNotifier } from '../../src/ports/service-notifier';
import { bindNotifySocket, type NotifySocket } from '../helpers/notify-socket';
import { until } from '../helpers/process';

const quiet = { warn: jest.fn() };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sd_notify adapter', () => {
  let notify: NotifySocket;
  beforeEach(async () => {
    notify = await bindNotifySocket();
    quiet.warn.mockClear();
  });
  afterEach(() => notify.close());

  it('sends READY, STATUS and STOPPING as sd_notify datagrams', async () => {
    const n = openSystemdNotifier({ NOTIFY_SOCKET: notify.path }, quiet);
    n.status('syncing source hr\nand more');
    n.ready();
    n.stopping();
    await until(() => (notify.messages.length >= 3 ? true : undefined), 2000);
    n.close();
    expect(notify.messages.map((m) => m.fields)).toEqual([{ STATUS: 'syncing source hr and more' }, { READY: '1', STATUS: 'idle' }, { STOPPING: '1', STATUS: 'stopping' }]);
  });

  it('pings WATCHDOG=1 from a timer, so pings stop while the event loop is blocked', async () => {
    const n = openSystemdNotifier({ NOTIFY_SOCKET: notify.path, WATCHDOG_USEC: '100000' }, quiet);
    try {
      const pings = () => notify.messages.filter((m) => m.fields.WATCHDOG === '1').length;
      const startedAt = Date.now();
      await until(() => (pings() >= 8 ? true : undefined), 10_000); // every 50 ms, however late timers run
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(8 * 50 - 20);
      const blockedFrom = Date.now();
      while (Date.now() - blockedFrom < 600) {
        // a stalled loop: no timer can fire
      }
      const blockedUntil = Date.now();
      await sleep(120);
      // pings sent in the stalled window would arrive stamped in a burst right after it; a timer
      // does not catch up, so at most the one or two that fire once the loop runs again arrive
      const after = notify.messages.filter((m) => m.fields.WATCHDOG === '1' && m.at >= blockedUntil && m.at < blockedUntil + 60);
      expect(after.length).toBeLessThanOrEqual(2);
    } finally {
      n.close();
    }
  });

  it('reads the watchdog interval as systemd sets it: half of WATCHDOG_USEC, only for the named pid', () => {
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000' })).toBe(15000);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: String(process.pid) })).toBe(15000);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '1' })).toBeNull();
    expect(watchdogIntervalMs({})).toBeNull();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: 'soon' })).toBeNull();
  });

  it('takes the notification variables out of the environment so child processes do not notify for it', () => {
    const env: Record<string, string | undefined> = { NOTIFY_SOCKET: notify.path, WATCHDOG_USEC: '1000000', WATCHDOG_PID: String(process.pid), PATH: '/bin' };
    openSystemdNotifier(env, quiet).close();
    expect(env).toEqual({ PATH: '/bin' });
  });

  it('is silent without NOTIFY_SOCKET, and says why it is silent for an abstract socket name', () => {
    expect(openSystemdNotifier({}, quiet)).toBe(silentNotifier);
    expect(openSystemdNotifier({ NOTIFY_SOCKET: '@/org/freedesktop/systemd1/notify' }, quiet)).toBe(silentNotifier);
    expect(quiet.warn).toHaveBeenCalledWith(expect.objectContaining({ NOTIFY_SOCKET: '@/org/freedesktop/systemd1/notify' }), expect.stringContaining('abstract'));
  });

  it('logs a vanished socket once, not at every ping', async () => {
    const n = openSystemdNotifier({ NOTIFY_SOCKET: `${notify.path}.gone`, WATCHDOG_USEC: '20000' }, quiet);
    await sleep(200);
    n.close();
    expect(quiet.warn).toHaveBeenCalledTimes(1);
    expect(quiet.warn.mock.calls[0][1]).toBe('systemd notification failed');
  });
});
