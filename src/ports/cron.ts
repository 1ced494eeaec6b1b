// Time-based triggers (source schedules, target reconciles). src/cron provides them over node-cron.
export interface CronTask {
  stop(): Promise<void> | void;
}

export interface CronScheduler {
  validate(expression: string): boolean;
  /** `noOverlap`: a tick that finds the previous one still running is skipped */
  schedule(expression: string, run: () => unknown, options: { name?: string; noOverlap: boolean }): CronTask;
}
