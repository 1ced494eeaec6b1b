// Connects to the configured Redis, or starts a private redis-server when allowed, and refuses a
// Redis that may evict keys: BullMQ state and locks silently vanishing would lose provisioning.
import Redis, { type RedisOptions } from 'ioredis';
import type { ChildProcess } from 'node:child_process';
import { startOrAdoptPrivateRedis, type PrivateServer } from './private-server';
import { redactCredentials } from '../util/redact';
import type { Logger } from '../ports/logger';

export class RedisUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUnavailableError';
  }
}

export interface RedisConfig {
  url: string;
  autoStart: boolean;
  /** where a private redis-server keeps its socket and append-only file */
  dataDir: string;
  /** errors of the connection once it is up (drops, reconnects) are logged here */
  log?: Logger;
}

export interface RedisHandle {
  /** a connection for commands; BullMQ needs its own duplicates (maxRetriesPerRequest: null) */
  client: Redis;
  /** options to create more connections to the same server */
  options: RedisOptions;
  /** the private server, when we started one */
  child: ChildProcess | null;
  describe: string;
  close(): Promise<void>;
}

const BASE_OPTIONS: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: true };

async function tryConnect(options: RedisOptions, timeoutMs = 1500): Promise<Redis | null> {
  const client = new Redis({ ...options, retryStrategy: () => null, connectTimeout: timeoutMs });
  // While probing, a failure is this function's answer (null), which the caller reports; without a
  // listener ioredis would raise it as an unhandled 'error' event. handle() replaces the listener.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch {
    client.disconnect();
    return null;
  }
}

/** Reads the eviction policy through INFO, which works where CONFIG is renamed away. */
export async function evictionPolicy(client: Redis): Promise<string> {
  const info = await client.info('memory');
  const m = /maxmemory_policy:(\S+)/.exec(info);
  return m ? m[1] : 'unknown';
}

export async function assertNoEviction(client: Redis, describe: string): Promise<void> {
  const policy = await evictionPolicy(client);
  if (policy !== 'noeviction') {
    throw new RedisUnavailableError(
      `Redis at ${describe} uses maxmemory-policy ${policy}, which can drop queued provisioning jobs; set "maxmemory-policy noeviction" on that server.`,
    );
  }
}

function optionsFromUrl(url: string): RedisOptions {
  const u = new URL(url);
  if (u.protocol === 'unix:' || u.protocol === 'redis+unix:') return { ...BASE_OPTIONS, path: u.pathname };
  return {
    ...BASE_OPTIONS,
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
}

export async function connectRedis(cfg: RedisConfig): Promise<RedisHandle> {
  const options = optionsFromUrl(cfg.url);
  const client = await tryConnect(options);
  if (client) {
    await assertNoEviction(client, redactCredentials(cfg.url)).catch(async (err) => {
      client.disconnect();
      throw err;
    });
    return handle(client, options, null, redactCredentials(cfg.url), cfg.log);
  }
  if (!cfg.autoStart) {
    throw new RedisUnavailableError(
      `Redis does not answer at ${redactCredentials(cfg.url)}: start it (redis-server --daemonize yes) or set redis.autoStart: true to let idsync run a private one.`,
    );
  }
  const server = await startOrAdoptPrivateRedis(cfg.dataDir, async (socket) => {
    const probe = await tryConnect({ ...BASE_OPTIONS, path: socket }, 1000);
    probe?.disconnect();
    return probe !== null;
  }).catch((err: Error) => {
    throw new RedisUnavailableError(err.message);
  });
  const privOptions: RedisOptions = { ...BASE_OPTIONS, path: server.socket };
  const priv = await tryConnect(privOptions, 3000);
  if (!priv) {
    await server.stop();
    throw new RedisUnavailableError(`the private redis-server at ${server.socket} does not answer`);
  }
  return handle(priv, privOptions, server, `unix:${server.socket}`, cfg.log);
}

function handle(client: Redis, options: RedisOptions, server: PrivateServer | null, describe: string, log?: Logger): RedisHandle {
  // After a successful connect, reconnect on drops instead of giving up, and say so in the log.
  client.options.retryStrategy = (times: number) => Math.min(times * 200, 5000);
  client.removeAllListeners('error');
  client.on('error', (err: Error) => log?.warn({ component: 'redis', err: err.message }, 'redis connection error; reconnecting'));
  let closed = false;
  return {
    client,
    options,
    child: server?.child ?? null,
    describe,
    async close() {
      if (closed) return;
      closed = true;
      await client.quit().catch(() => client.disconnect());
      await server?.stop();
    },
  };
}
