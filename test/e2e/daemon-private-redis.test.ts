// redis.autoStart: the private redis-server outlives a daemon killed with SIGKILL; the next start
// adopts it through the pidfile in dataDir instead of starting a second server on the same data.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { workspace } from '../helpers/cli';
import { IDSYNC_BIN as BIN, stopChild, until } from '../helpers/process';

jest.setTimeout(90_000);

/** pids of redis-server processes whose command line names this socket */
function serversFor(socket: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes('redis-server') && cmd.includes(socket)) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

function startDaemon(config: string): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [BIN, 'run', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d) => (text += String(d)));
  child.stderr!.on('data', (d) => (text += String(d)));
  return { child, output: () => text };
}

describe('private redis-server across a SIGKILLed daemon', () => {
  const killed: number[] = [];
  afterAll(() => {
    for (const pid of killed) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });

  it('runs exactly one redis-server for the dataDir after a restart, and it works', async () => {
    const ws = workspace();
    ws.writeCsv([{ id: 'E1', first: 'Ann', last: 'Lee' }]);
    const dataDir = join(ws.dir, 'redis');
    const socket = join(dataDir, 'redis.sock');
    const port = await closedPort();
    writeFileSync(ws.config, readFileSync(ws.config, 'utf8').replace(/^redis: .*$/m, `redis: { url: "redis://127.0.0.1:${port}", autoStart: true, dataDir: "${dataDir}", prefix: ${ws.prefix} }`));

    const first = startDaemon(ws.config);
    await until(() => (first.output().includes('idsync started') ? true : undefined), 30_000);
    const [server] = serversFor(socket);
    expect(server).toBeGreaterThan(0);
    killed.push(server);
    const gone = new Promise((r) => first.child.once('exit', r));
    first.child.kill('SIGKILL');
    await gone;
    expect(serversFor(socket)).toEqual([server]); // it outlived the daemon

    const second = startDaemon(ws.config);
    try {
      await until(() => (second.output().includes('idsync started') ? true : undefined), 30_000);
      expect(serversFor(socket)).toEqual([server]);
      await until(() => (second.output().includes('"status":"applied"') || second.output().includes('source run finished') ? true : undefined), 30_000);
      expect(second.output()).not.toMatch(/"level":(50|60)/);
    } finally {
      await stopChild(second.child);
    }
    // the adopted server belongs to the daemon now: a clean stop ends it
    await until(() => (serversFor(socket).length === 0 ? true : undefined), 10_000);
  });
});
