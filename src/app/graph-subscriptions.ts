// Keeps one Graph change-notification subscription on users alive for every entra source with a
// `hook:`. Graph lets a users subscription live at most 41 760 minutes (29 days); it is asked for
// a little less and renewed (PATCH) once less than RENEW_WITHIN_MS is left, checked every hour,
// so one missed check (daemon down, Graph down) still leaves days to spare. A subscription Graph
// no longer knows is created again; one left by an earlier start with the same URL and
// clientState is taken over rather than doubled.
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { GraphSubscription, SubscriptionApi } from '../connectors/sources/entra/subscriptions';

export const LIFETIME_MS = (41_760 - 60) * 60_000;
export const RENEW_WITHIN_MS = 3 * 24 * 3600_000;
export const CHECK_EVERY_MS = 3600_000;
const RESOURCE = 'users';
const CHANGE_TYPE = 'updated,deleted';

export interface SubscriptionKeeper {
  /** creates, takes over or renews as needed; resolves with the subscription kept */
  tick(): Promise<GraphSubscription>;
}

export function subscriptionKeeper(o: { api: SubscriptionApi; clock: Clock; notificationUrl: string; clientState: string }): SubscriptionKeeper {
  let current: GraphSubscription | null = null;
  const expiry = () => new Date(o.clock.now().getTime() + LIFETIME_MS).toISOString();
  const ours = (s: GraphSubscription) => s.resource.toLowerCase() === RESOURCE && s.notificationUrl === o.notificationUrl && (s.clientState == null || s.clientState === o.clientState);
  const create = () => o.api.create({ resource: RESOURCE, changeType: CHANGE_TYPE, notificationUrl: o.notificationUrl, clientState: o.clientState, expirationDateTime: expiry() });
  return {
    async tick() {
      current ??= (await o.api.list()).find(ours) ?? null;
      if (!current) return (current = await create());
      if (Date.parse(current.expirationDateTime) - o.clock.now().getTime() > RENEW_WITHIN_MS) return current;
      const renewed = await o.api.renew(current.id, expiry());
      current = renewed ? { ...current, ...renewed } : await create();
      return current;
    },
  };
}

/** Ticks every keeper now and then every CHECK_EVERY_MS; a failure is logged and tried again next time. */
export function runKeepers(keepers: Map<string, SubscriptionKeeper>, log: Logger): () => void {
  const tickAll = () => {
    for (const [source, k] of keepers) {
      k.tick().then(
        (s) => log.info({ source, subscription: s.id, expires: s.expirationDateTime }, 'Graph change-notification subscription kept'),
        (err: Error) => log.error({ source, err: err.message }, 'Graph change-notification subscription could not be created or renewed; the scheduled runs still read changes'),
      );
    }
  };
  tickAll();
  const timer = setInterval(tickAll, CHECK_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
