// The STATUS= line the service manager shows (`systemctl status idsync`): which sources are syncing.
import type { ServiceNotifier } from '../ports/service-notifier';

export class ActivityStatus {
  private readonly running = new Set<string>();

  constructor(private readonly notifier: ServiceNotifier) {}

  /** runs one source's sync, saying so while it runs and "idle" once nothing else does */
  async syncing<T>(source: string, run: () => Promise<T>): Promise<T> {
    this.running.add(source);
    this.publish();
    try {
      return await run();
    } finally {
      this.running.delete(source);
      this.publish();
    }
  }

  private publish(): void {
    this.notifier.status(this.running.size ? `syncing source ${[...this.running].join(', ')}` : 'idle');
  }
}
