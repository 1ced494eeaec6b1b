// systemd's sd_notify protocol: one datagram per message to the unix socket in $NOTIFY_SOCKET.
// Node has no unix datagram sockets, so this uses unix-dgram (the same addon winston-syslog uses).
import { createRequire } from 'node:module';
import type { ServiceNotifier } from '../ports/service-notifier';
import { silentNotifier } from '../ports/service-notifier';

interface Log {
  warn(o: object, msg: string): void;
}

interface DgramSocket {
  send(buf: Buffer, offset: number, length: number, path: string, cb: (err?: Error) => void): void;
  on(event: 'error', fn: (err: Error) => void): void;
  close(): void;
}

type Env = Record<string, string | undefined>;

/**
 * The watchdog interval in ms that the manager asked for, halved as sd_watchdog_enabled(3)
 * advises, or null when no watchdog is set for this process.
 */
export function watchdogIntervalMs(env: Env, pid = process.pid): number | null {
  const usec = Number(env.WATCHDOG_USEC);
  if (!env.WATCHDOG_USEC || !Number.isFinite(usec) || usec <= 0) return null;
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== pid) return null;
  return Math.max(1, Math.floor(usec / 2000));
}

/** A notifier for $NOTIFY_SOCKET, or a silent one when the daemon does not run under systemd. */
export function openSystemdNotifier(env: Env, log: Log): ServiceNotifier {
  const path = env.NOTIFY_SOCKET;
  const watchdogMs = watchdogIntervalMs(env);
  // As sd_notify(unset_environment=1): children (a private redis-server speaks sd_notify too) must
  // not talk to the manager on our behalf.
  for (const k of ['NOTIFY_SOCKET', 'WATCHDOG_USEC', 'WATCHDOG_PID']) delete env[k];
  if (!path) return silentNotifier;
  if (path.startsWith('@')) {
    // unix-dgram copies the address as a C string, so an abstract name (leading NUL) cannot reach it.
    log.warn({ NOTIFY_SOCKET: path }, 'abstract NOTIFY_SOCKET is not supported; systemd notifications are off');
    return silentNotifier;
  }
  const socket = openSocket(log);
  if (!socket) return silentNotifier;
  return new SdNotifier(socket, path, watchdogMs, log);
}

/** loaded on demand: a native addon that failed to build turns notifications off, not the daemon */
function openSocket(log: Log): DgramSocket | null {
  try {
    const dgram = createRequire(__filename)('unix-dgram') as { createSocket(type: 'unix_dgram'): DgramSocket };
    return dgram.createSocket('unix_dgram');
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'unix-dgram is not available; systemd notifications are off');
    return null;
  }
}

class SdNotifier implements ServiceNotifier {
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** the last send error, so a vanished socket is logged once and not at every ping */
  private lastError: string | null = null;

  constructor(private readonly socket: DgramSocket, private readonly path: string, watchdogMs: number | null, private readonly log: Log) {
    socket.on('error', (err) => this.failed(err));
    if (watchdogMs !== null) {
      // A timer on the event loop: when the loop stalls, pings stop and systemd restarts us.
      this.timer = setInterval(() => this.send('WATCHDOG=1'), watchdogMs);
      this.timer.unref();
    }
  }

  ready(): void {
    this.send('READY=1\nSTATUS=idle');
  }

  status(text: string): void {
    this.send(`STATUS=${text.replace(/\n/g, ' ')}`);
  }

  stopping(): void {
    this.send('STOPPING=1\nSTATUS=stopping');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.socket.close();
  }

  private send(message: string): void {
    if (this.closed) return;
    const buf = Buffer.from(message);
    this.socket.send(buf, 0, buf.length, this.path, (err) => {
      if (err) this.failed(err);
      else this.lastError = null;
    });
  }

  private failed(err: Error): void {
    if (err.message === this.lastError) return;
    this.lastError = err.message;
    this.log.warn({ err: err.message, NOTIFY_SOCKET: this.path }, 'systemd notification failed');
  }
}
