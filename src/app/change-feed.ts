// Cross-instance change notification: every commit's change-feed sequence is published on Redis, so
// other instances (and a daemon beside a one-shot `idsync sync`) react within a second instead of
// waiting for their polls. The store stays the record; a lost message only delays, never loses.
import type Redis from 'ioredis';
import type { IdentityStore } from '../ports/identity-store';
import { publishChange } from '../ldap/view';

export function changeChannel(prefix: string): string {
  return `${prefix}:changes`;
}

/** Publishes each local commit; returns the unsubscribe function. */
export function publishCommits(store: IdentityStore, redis: Redis, prefix: string, onError: (err: Error) => void): () => void {
  const channel = changeChannel(prefix);
  return store.onChange((e) => {
    publishChange(redis, channel, e.seq).catch(onError);
  });
}

/**
 * Calls `onRemoteChange` (debounced) whenever any instance publishes a commit. Uses its own
 * connection: a subscribed ioredis connection cannot send other commands.
 */
export async function onRemoteCommits(redis: Redis, prefix: string, onRemoteChange: () => void, debounceMs = 50): Promise<() => Promise<void>> {
  const sub = redis.duplicate();
  sub.on('error', () => undefined);
  let timer: NodeJS.Timeout | null = null;
  sub.on('message', () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      onRemoteChange();
    }, debounceMs);
  });
  await sub.subscribe(changeChannel(prefix));
  return async () => {
    if (timer) clearTimeout(timer);
    await sub.quit().catch(() => sub.disconnect());
  };
}
