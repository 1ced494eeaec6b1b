// Spawns the built daemon (bin/idsync.js -> dist, built by `npm test` before jest runs) as an operator would.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Redis from 'ioredis';
import { idsync, workspace } from '../helpers/cli';
import { builtFromCurrentSources } from '../helpers/build';
import { IDSYNC_BIN as BIN, until, waitForExit } from '../helpers/process';

describe('idsync run (the daemon)', () => {
  const redis = new Redis({ lazyConnect: true });
  afterAll(() => redis.disconnect());

  it('is built', () => {
    expect(existsSync(resolve(__dirname, '../../dist/src/cli/index.js'))).toBe(true);
    // built from the sources as they are now: the e2e tests run the current code, not an older build
    const { built, current } = builtFromCurrentSources(resolve(__dirname, '../..'));
    expect(built).toBe(current);
  });

  it('syncs at start, logs JSON on stdout, and stops cleanly on SIGTERM', async () => {
    const ws = workspace();
    ws.writeCsv([{ id: 'E1', first: 'Ada', last: 'Lovelace' }]);
    const child = spawn(process.execPath, [BIN, 'run', '--config', ws.config], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    try {
      const shown = await until(async () => {
        const r = await idsync('user', 'show', '--config', ws.config, 'alovelace', '--json');
        return r.code === 0 ? JSON.parse(r.stdout) : undefined;
      }, 20000);
      expect(shown).toMatchObject({ username: 'alovelace', state: 'active' });
      await until(async () => (stdout.includes('source run finished') ? true : undefined), 10000);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await waitForExit(child, 15000)).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.some((l) => l.msg === 'idsync started')).toBe(true);
    expect(lines.some((l) => l.msg === 'stopping' && l.signal === 'SIGTERM')).toBe(true);
    expect(stderr).toBe('');
    await redis.connect().catch(() => undefined);
    expect(await redis.keys(`${ws.prefix}:lock:*`)).toEqual([]);
  });

  it('refuses to start on an invalid configuration with every problem on stderr', async () => {
    const ws = workspace('targets: 7\nbogus: 1');
    const child = spawn(process.execPath, [BIN, 'run', '--config', ws.config], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    expect(await waitForExit(child, 15000)).toBe(1);
    expect(stderr).toContain('targets');
    expect(stderr).toContain('bogus');
    expect(stderr.trim().split('\n').at(-1)).toMatch(/^idsync: .*idsync\.yaml is not a valid configuration \(\d+ problem\(s\)\)\.$/);
  });
});

describe('the idsync command in a pipe', () => {
  it('exits quietly when the reader closes the pipe early', async () => {
    const ws = workspace();
    ws.writeCsv(Array.from({ length: 30 }, (_, i) => ({ id: `E${i}`, first: 'Pipe', last: `Reader${i}` })));
    expect((await idsync('sync', '--config', ws.config, '--once')).code).toBe(0);
    const child = spawn('sh', ['-c', `"${process.execPath}" "${BIN}" audit show --config "${ws.config}" --user preader1 --json | true`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    expect(await waitForExit(child, 15000)).toBe(0);
    expect(stderr).toBe('');
  });
});
