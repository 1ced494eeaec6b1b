import cron from 'node-cron';
import type { CronScheduler } from '../ports/cron';

export const nodeCron: CronScheduler = {
  validate: (expression) => cron.validate(expression),
  schedule(expression, run, options) {
    const task = cron.schedule(expression, () => void run(), { name: options.name, noOverlap: options.noOverlap });
    return { stop: () => Promise.resolve(task.destroy()).then(() => undefined) };
  },
};
