// The change feed's one home: notifications over one Redis pub/sub channel per installation
// (`<redis.prefix>:changes`), with one subscriber connection per process however many parts of the
// daemon listen (the LDAP view, provisioning). Errors reach the log once, with the channel named.
import type Redis from 'ioredis';
import type { ChangeNotifications } from '../ports/change-notifications';
import type { IdentityStore } from '../ports/identity-store';
import type { Logger } from '../ports/logger';

export function changeChannel(prefix: string): string {
  return `${prefix}:changes`;
}

export interface RedisChangeFeed extends ChangeNotifications {
  readonly channel: string;
  /** opens the subscriber and resolves once Redis confirmed the subscription */
  listen(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Publishes on `redis`. Listeners hear other instances once `listen()` opened the subscriber: its
 * own duplicate connection, since a subscribed ioredis connection can send no other command. A
 * process that only publishes (`idsync sync --once`) never opens one.
 */
export function redisChangeFeed(redis: Redis, channel: string, log: Logger): RedisChangeFeed {
  const listeners = new Set<(seq: number) => void>();
  let sub: Redis | null = null;
  let closed = false;

  async function open(): Promise<void> {
    const conn = redis.duplicate();
    sub = conn;
    conn.on('error', (err: Error) => log.warn({ channel, err: err.message }, 'change feed subscriber error; reconnecting'));
    conn.on('message', (ch: string, message: string) => {
      if (ch !== channel) return;
      const seq = Number(message);
      for (const l of listeners) {
        try {
          l(seq);
        } catch (err) {
          log.error({ channel, seq, err: (err as Error).message }, 'change feed listener failed');
        }
      }
    });
    await conn.subscribe(channel);
  }

  return {
    channel,
    async publish(seq) {
      await redis.publish(channel, String(seq));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async listen() {
      if (closed) throw new Error('change feed is closed');
      if (!sub) await open();
    },
    async close() {
      closed = true;
      listeners.clear();
      const conn = sub;
      sub = null;
      if (!conn) return;
      await conn.quit().catch((err: Error) => {
        log.debug({ channel, err: err.message }, 'change feed subscriber did not quit cleanly; disconnecting');
        conn.disconnect();
      });
    },
  };
}

/** Publishes each commit of this process's store; returns the function that stops it. */
export function publishCommits(store: IdentityStore, feed: ChangeNotifications, log: Logger): () => void {
  return store.onChange((e) => {
    feed.publish(e.seq).catch((err: Error) => log.warn({ seq: e.seq, err: err.message }, 'change publish failed; other instances pick it up on their next poll'));
  });
}
