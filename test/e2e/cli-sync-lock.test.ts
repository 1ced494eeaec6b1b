// `idsync sync --once` against a source lock someone else holds: a live holder makes the run exit 1
// naming it (a timer must not count it as run); a SIGKILLed holder's lock is taken over at once.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import Redis from 'ioredis';
import { deletePrefix } from '../../src/redis/keys';
import { idsync, workspace, type Person } from '../helpers/cli';
import { IDSYNC_BIN, until } from '../helpers/process';
import { sourceLockKey } from '../../src/services/scheduling/source-runner';

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

  it('a built `sync --once` SIGKILLed while it holds the lock: the next run takes over and applies at once', async () => {
    const ws = workspace();
    const people: Person[] = Array.from({ length: 20_000 }, (_, i) => ({ id: `K${i}`, first: `First${i}`, last: `Last${i}` }));
    ws.writeCsv(people);
    const redis = new Redis('redis://127.0.0.1:6379');
    try {
      const victim = spawn(process.execPath, [IDSYNC_BIN, 'sync', '--once', '--config', ws.config], { stdio: 'ignore' });
      const exited = new Promise((r) => victim.once('exit', r));
      await until(async () => ((await redis.exists(sourceLockKey(ws.prefix, 'hr'))) ? true : undefined), 30_000, { intervalMs: 10 });
      victim.kill('SIGKILL');
      await exited;
      expect(await redis.exists(sourceLockKey(ws.prefix, 'hr'))).toBe(1); // left behind, 60 s TTL
      const started = Date.now();
      const next = await idsync('sync', '--config', ws.config, '--once');
      expect(next.stderr).toBe('');
      expect(next.code).toBe(0);
      expect(next.stdout).toMatch(/^hr: run \S+ applied \(20000 seen/m);
      expect(Date.now() - started).toBeLessThan(50_000);
    } finally {
      await deletePrefix(redis, ws.prefix);
      redis.disconnect();
    }
  });
});
