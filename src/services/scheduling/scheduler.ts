import type { CronScheduler, CronTask } from '../../ports/cron';
import type { Logger } from '../../ports/logger';

export interface ScheduledJob {
  name: string;
  schedule: string;
  run: () => Promise<void>;
}

/**
 * One cron task per job. A tick that finds the previous run of the same job still going is skipped
 * (logged), and a failing run is logged, never thrown: a bad export must not stop the daemon.
 */
export class Scheduler {
  private tasks: CronTask[] = [];
  private running = new Map<string, Promise<void>>();

  constructor(private log: Logger, private cron: CronScheduler) {}

  add(job: ScheduledJob): void {
    if (!this.cron.validate(job.schedule)) throw new Error(`invalid cron schedule "${job.schedule}" for ${job.name}`);
    const task = this.cron.schedule(job.schedule, () => this.tick(job), { name: job.name, noOverlap: true });
    this.tasks.push(task);
  }

  /** runs a job now, unless it is already running; resolves when it finished */
  async tick(job: ScheduledJob): Promise<void> {
    if (this.running.has(job.name)) {
      this.log.warn({ job: job.name }, 'previous run still in progress; tick skipped');
      return;
    }
    const p = job
      .run()
      .catch((err: Error) => this.log.error({ job: job.name, err: err.message }, 'scheduled run failed'))
      .finally(() => this.running.delete(job.name));
    this.running.set(job.name, p);
    await p;
  }

  /** stops future ticks and waits for runs in progress */
  async stop(): Promise<void> {
    for (const t of this.tasks) await t.stop();
    this.tasks = [];
    await Promise.allSettled([...this.running.values()]);
  }
}
