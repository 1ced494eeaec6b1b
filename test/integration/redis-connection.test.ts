import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { connectRedis, evictionPolicy, RedisUnavailableError } from '../../src/redis/connection';
import { freePort } from '../helpers/slapd';

describe('Redis connection', () => {
  it('connects to the shared Redis and accepts its noeviction policy', async () => {
    const h = await connectRedis({ url: 'redis://127.0.0.1:6379', autoStart: false, dataDir: '/nonexistent' });
    try {
      expect(await h.client.ping()).toBe('PONG');
      expect(await evictionPolicy(h.client)).toBe('noeviction');
      expect(h.child).toBeNull();
    } finally {
      await h.close();
    }
  });

  it('stops with one clear sentence when nothing answers and autoStart is off', async () => {
    const port = await freePort();
    await expect(connectRedis({ url: `redis://127.0.0.1:${port}`, autoStart: false, dataDir: '/tmp' })).rejects.toThrow(
      new RedisUnavailableError(
        `Redis does not answer at redis://127.0.0.1:${port}: start it (redis-server --daemonize yes) or set redis.autoStart: true to let idsync run a private one.`,
      ),
    );
  });

  it('starts a private redis-server on a unix socket with appendonly and noeviction when allowed', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'idsync-redis-'));
    const h = await connectRedis({ url: `redis://127.0.0.1:${port}`, autoStart: true, dataDir });
    try {
      expect(h.child).not.toBeNull();
      expect(h.describe).toBe(`unix:${join(dataDir, 'redis.sock')}`);
      expect(await h.client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await evictionPolicy(h.client)).toBe('noeviction');
      await h.client.set('k', 'v');
      expect(await h.client.get('k')).toBe('v');
    } finally {
      await h.close();
    }
    expect(h.child?.exitCode !== null || h.child?.signalCode !== null).toBe(true);
    expect(existsSync(join(dataDir, 'appendonlydir')) || existsSync(join(dataDir, 'appendonly.aof'))).toBe(true);
  });

  it('refuses a Redis whose eviction policy could drop jobs', async () => {
    const port = await freePort();
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--maxmemory-policy', 'allkeys-lru'], { stdio: 'ignore' });
    try {
      const probe = new Redis({ port, lazyConnect: true, retryStrategy: () => 200 });
      for (let i = 0; i < 50; i++) {
        try {
          await probe.connect();
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      probe.disconnect();
      await expect(connectRedis({ url: `redis://127.0.0.1:${port}`, autoStart: false, dataDir: '/tmp' })).rejects.toThrow(
        /uses maxmemory-policy allkeys-lru.*set "maxmemory-policy noeviction"/,
      );
    } finally {
      child.kill('SIGKILL');
    }
  });
});
