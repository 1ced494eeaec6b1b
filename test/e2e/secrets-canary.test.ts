// Canary passwords in redis.url and store.uri: they must never appear in the stdout or stderr of the
// daemon or the CLI, whether the connection works or fails.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { workspace } from '../helpers/cli';
import { IDSYNC_BIN as BIN, stopChild, until, waitForExit } from '../helpers/process';

jest.setTimeout(60_000);

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

function run(args: string[]): { child: ReturnType<typeof spawn>; output: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d) => (text += String(d)));
  child.stderr!.on('data', (d) => (text += String(d)));
  return { child, output: () => text };
}

async function finished(args: string[]): Promise<{ code: number | null; output: string }> {
  const r = run(args);
  const code = await waitForExit(r.child, 45_000);
  return { code, output: r.output() };
}

/** The workspace config with its redis url or store replaced. */
function withConfig(replace: (yaml: string) => string): string {
  const ws = workspace();
  ws.writeCsv([{ id: 'E1', first: 'Ann', last: 'Lee' }]);
  writeFileSync(ws.config, replace(readFileSync(ws.config, 'utf8')));
  return ws.config;
}

describe('passwords in redis.url and store.uri never reach the output', () => {
  it('daemon connected to Redis with a password in its URL logs it redacted', async () => {
    const config = withConfig((y) => y.replace('redis://127.0.0.1:6379', 'redis://:canary-redis-ok@127.0.0.1:6379'));
    const daemon = run(['run', '--config', config]);
    try {
      await until(() => (daemon.output().includes('idsync started') ? true : undefined), 30_000);
    } finally {
      await stopChild(daemon.child);
    }
    expect(daemon.output()).toContain('"redis":"redis://:[redacted]@127.0.0.1:6379"');
    expect(daemon.output()).not.toContain('canary-redis-ok');
  });

  it('a Redis that does not answer: CLI and daemon fail naming the URL without its password', async () => {
    const port = await closedPort();
    const config = withConfig((y) => y.replace('redis://127.0.0.1:6379', `redis://app:canary-redis-down@127.0.0.1:${port}`));
    const cli = await finished(['sync', '--once', '--config', config]);
    expect(cli.code).toBe(1);
    expect(cli.output).toContain(`redis://app:[redacted]@127.0.0.1:${port}`);
    expect(cli.output).not.toContain('canary-redis-down');
    const daemon = await finished(['run', '--config', config]);
    expect(daemon.code).not.toBe(0);
    expect(daemon.output).not.toContain('canary-redis-down');
  });

  it('a MongoDB store that does not answer: CLI and daemon fail without the password', async () => {
    const port = await closedPort();
    const uri = `mongodb://idsync:canary-mongo@127.0.0.1:${port}/idsync?serverSelectionTimeoutMS=1000&connectTimeoutMS=1000`;
    const config = withConfig((y) => y.replace(/^store: .*$/m, `store: { kind: mongodb, uri: "${uri}" }`));
    const cli = await finished(['sync', '--once', '--config', config]);
    expect(cli.code).toBe(1);
    expect(cli.output).toMatch(/MongoDB/);
    expect(cli.output).not.toContain('canary-mongo');
    const daemon = await finished(['run', '--config', config]);
    expect(daemon.code).not.toBe(0);
    expect(daemon.output).not.toContain('canary-mongo');
  });
});
