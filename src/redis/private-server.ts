// The private redis-server of `redis.autoStart`. It may outlive a daemon killed with SIGKILL, so a
// pidfile in its dataDir records it (pid and process start time): the next start adopts a server
// that still answers on the socket, or stops a hung one, instead of starting a second server on the
// same data directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { processStartTime } from './holder-liveness';

export class PrivateRedisError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrivateRedisError';
  }
}

interface PidRecord {
  pid: number;
  pidStart: string | null;
  /** the idsync process that started or adopted the server, and stops it when it closes */
  owner?: { pid: number; pidStart: string | null };
}

const self = () => ({ pid: process.pid, pidStart: processStartTime(process.pid) });

function alive(p: { pid: number; pidStart: string | null } | undefined): boolean {
  if (!p) return false;
  const start = processStartTime(p.pid);
  return start !== null && (p.pidStart === null || start === p.pidStart);
}

export interface PrivateServer {
  socket: string;
  /** the server process when this process started it; null for an adopted one */
  child: ChildProcess | null;
  /** whether the server was already running (left by a killed daemon, or shared with a live one) */
  adopted: boolean;
  /** stops the server when this process owns it (started it, or adopted it from a dead owner) */
  stop(): Promise<void>;
}

const pidfileOf = (dir: string) => join(dir, 'redis-server.pid');

function readPidfile(dir: string): PidRecord | null {
  try {
    const rec = JSON.parse(readFileSync(pidfileOf(dir), 'utf8')) as PidRecord;
    return Number.isInteger(rec.pid) && rec.pid > 0 ? rec : null;
  } catch {
    return null;
  }
}

/** The recorded server, if that very process (same pid, same start time) still runs. */
function recordedServer(dir: string): PidRecord | null {
  const rec = readPidfile(dir);
  return rec && alive(rec) ? rec : null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function stopPid(rec: PidRecord, dir: string): Promise<void> {
  const same = () => alive(rec);
  for (const [signal, waitMs] of [['SIGTERM', 5000], ['SIGKILL', 2000]] as const) {
    if (!same()) break;
    try {
      process.kill(rec.pid, signal);
    } catch {
      break;
    }
    for (let t = 0; t < waitMs && same(); t += 50) await sleep(50);
  }
  rmSync(pidfileOf(dir), { force: true });
}

/**
 * Returns the private server of `dataDir`: the one already running there when `answers(socket)`
 * says it works (adopted), else a fresh one, after stopping a recorded server that does not answer.
 */
export async function startOrAdoptPrivateRedis(dataDir: string, answers: (socket: string) => Promise<boolean>): Promise<PrivateServer> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const socket = join(dir, 'redis.sock');
  const running = recordedServer(dir);
  if (running && existsSync(socket) && (await answers(socket))) {
    // a live owner (the daemon, while a CLI command runs) keeps its server; a dead one's is ours now
    if (alive(running.owner)) return { socket, child: null, adopted: true, stop: async () => undefined };
    writeFileSync(pidfileOf(dir), `${JSON.stringify({ ...running, owner: self() })}\n`);
    return { socket, child: null, adopted: true, stop: () => stopPid(running, dir) };
  }
  if (running) await stopPid(running, dir);
  const child = await spawnServer(dir, socket);
  const rec: PidRecord = { pid: child.pid!, pidStart: processStartTime(child.pid!), owner: self() };
  writeFileSync(pidfileOf(dir), `${JSON.stringify(rec)}\n`);
  return {
    socket,
    child,
    adopted: false,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(5000)]);
      }
      rmSync(pidfileOf(dir), { force: true });
    },
  };
}

async function spawnServer(dir: string, socket: string): Promise<ChildProcess> {
  rmSync(socket, { force: true }); // a stale socket would pass the readiness check below
  const args = [
    '--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--dir', dir,
    '--appendonly', 'yes', '--maxmemory-policy', 'noeviction', '--save', '', '--daemonize', 'no',
  ];
  let child: ChildProcess;
  try {
    child = spawn('redis-server', args, { stdio: 'ignore' });
  } catch (err) {
    throw new PrivateRedisError(`cannot start redis-server: ${(err as Error).message}`);
  }
  const failed = new Promise<never>((_, reject) => {
    child.once('error', () => reject(new PrivateRedisError('redis-server is not installed: install it (e.g. apt-get install redis-server) or point redis.url at a running Redis.')));
    child.once('exit', (code) => reject(new PrivateRedisError(`the private redis-server exited at start (code ${code}); see ${dir}`)));
  });
  failed.catch(() => undefined);
  const ready = (async () => {
    for (let i = 0; i < 100 && !existsSync(socket); i++) await sleep(50);
  })();
  await Promise.race([ready, failed]);
  if (!existsSync(socket)) throw new PrivateRedisError(`the private redis-server did not create ${socket} within 5 s`);
  return child;
}
