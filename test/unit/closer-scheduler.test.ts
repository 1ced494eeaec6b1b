import { Closer } from '../../src/app/closer';
import { Scheduler } from '../../src/services/scheduling/scheduler';
import { nodeCron } from '../../src/cron/node-cron';
import { silentLogger } from '../../src/observability/logger';

describe('Closer', () => {
  it('runs every step newest first even when one throws, and only once', async () => {
    const order: string[] = [];
    const c = new Closer();
    c.add('store', () => void order.push('store'));
    c.add('ldap', () => {
      order.push('ldap');
      throw new Error('socket busy');
    });
    c.add('scheduler', async () => void order.push('scheduler'));
    const [first, second] = await Promise.all([c.close(), c.close()]);
    expect(order).toEqual(['scheduler', 'ldap', 'store']);
    expect(first).toEqual(['ldap: socket busy']);
    expect(second).toBe(first);
  });
});

describe('Scheduler', () => {
  it('skips a tick while the previous run of the same job is still going', async () => {
    const s = new Scheduler(silentLogger, nodeCron);
    let runs = 0;
    let release!: () => void;
    const job = { name: 'j', schedule: '* * * * *', run: () => new Promise<void>((r) => { runs++; release = r; }) };
    const first = s.tick(job);
    await s.tick(job);
    expect(runs).toBe(1);
    release();
    await first;
    await s.stop();
  });

  it('logs a failing run instead of throwing', async () => {
    const s = new Scheduler(silentLogger, nodeCron);
    await expect(s.tick({ name: 'bad', schedule: '* * * * *', run: async () => { throw new Error('boom'); } })).resolves.toBeUndefined();
  });

  it('rejects an invalid cron expression naming the job', () => {
    const s = new Scheduler(silentLogger, nodeCron);
    expect(() => s.add({ name: 'source:hr', schedule: 'every minute', run: async () => undefined })).toThrow('invalid cron schedule "every minute" for source:hr');
  });
});
