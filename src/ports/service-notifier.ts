/**
 * What the daemon tells its service manager (systemd's sd_notify protocol, or nothing): when it is
 * ready, what it is doing, that it is alive, and that it is stopping.
 */
export interface ServiceNotifier {
  /** store, Redis, listeners and admin API are up: the manager may start dependents */
  ready(): void;
  /** one line saying what the daemon is doing now */
  status(text: string): void;
  stopping(): void;
  /** stops watchdog pings and releases the socket; idempotent */
  close(): void;
}

export const silentNotifier: ServiceNotifier = {
  ready: () => undefined,
  status: () => undefined,
  stopping: () => undefined,
  close: () => undefined,
};
