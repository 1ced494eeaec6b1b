// `idsync sync --once` against a source lock someone else holds: a live holder makes the run exit 1
// naming it (a timer must not count it as run); a SIGKILLed holder's lock is taken over at once.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import Redis from 'ioredis';
import { deletePrefix } from '../../src/redis/keys';
import { idsync, workspace } from '../helpers/cli';

jest.setTimeout(60_000);

function holder(prefix: string): Promise<{ child: ChildProcess; pid: number }> {
  const dir = join(__dirname, '../integration');
  const child = fork(join(dir, 'lock-holder-child.ts'), [], {
    execArgv: ['--require', join(dir, 'fault-worker-register.js')],
    env: { ...process.env, IDSYNC_LOCK_CHILD: JSON.stringify({ mode: 'hold', redisUrl: 'redis://127.0.0.1:6379', prefix, ttlMs: 60_000 }) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve({ child, pid: child.pid! }));
    child.once('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
}

describe('sync --once and the source lock', () => {
  it('exits 1 naming a live holder, and takes over the lock of a SIGKILLed one at once', async () => {
    const ws = workspace();
    ws.writeCsv([{ id: 'E1', first: 'Ann', last: 'Lee' }]);
    const { child, pid } = await holder(ws.prefix);
    try {
      const skipped = await idsync('sync', '--config', ws.config, '--once');
      expect(skipped.code).toBe(1);
      expect(skipped.stdout).toMatch(new RegExp(`^hr: skipped, source hr is already being synchronised by another run: pid ${pid} on host `, 'm'));
      expect(skipped.stderr).toMatch(new RegExp(`^idsync: not run: source hr is already being synchronised by another run: pid ${pid} on host \\S+ \\(fence \\d+, since [^)]+\\)\\.\\n$`));
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    const started = Date.now();
    const after = await idsync('sync', '--config', ws.config, '--once');
    expect(after).toMatchObject({ code: 0, stderr: '' });
    expect(after.stdout).toMatch(/^hr: run \S+ applied \(1 seen, 1 created/m);
    expect(Date.now() - started).toBeLessThan(15_000);
    const redis = new Redis('redis://127.0.0.1:6379');
    await deletePrefix(redis, ws.prefix);
    redis.disconnect();
  });
});
