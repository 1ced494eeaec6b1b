// Okta Event Hooks: the one-time verification GET echoes X-Okta-Verification-Challenge (no secret:
// Okta sends none with it), and every event POST carries the admin-chosen header and value, Okta's
// only authentication (no signature). Each event's uuid is remembered so a replay is refused.
import { z } from 'zod';
import { Rejection } from '../server';
import type { SeenSet } from './seen';
import { header, parseJson, sameSecret, shapeError, uniqueIds, type HookEndpoint } from './request';

export const REPLAY_WINDOW_MS = 5 * 60_000;

const eventsBody = z.object({
  eventType: z.string().optional(),
  data: z.object({
    events: z
      .array(
        z.object({
          uuid: z.string().min(1),
          eventType: z.string().min(1),
          published: z.iso.datetime({ offset: true }),
          target: z.array(z.object({ id: z.string().min(1), type: z.string() }).loose()).nullish(),
        }).loose(),
      )
      .min(1),
  }).loose(),
}).loose();

export function oktaHook(cfg: { header: string; secret: string }, seen: SeenSet, now: () => number): HookEndpoint {
  return {
    handle(req) {
      if (req.method === 'GET') {
        const challenge = header(req, 'x-okta-verification-challenge');
        if (!challenge) throw new Rejection(400, 'a GET here is Okta\'s verification and needs the X-Okta-Verification-Challenge header', 'no_challenge');
        return { kind: 'reply', reply: { status: 200, type: 'application/json', body: { verification: challenge } } };
      }
      const got = header(req, cfg.header);
      if (got === undefined) throw new Rejection(401, `missing the ${cfg.header} header configured for this event hook`, 'no_secret');
      if (!sameSecret(got, cfg.secret)) throw new Rejection(401, `wrong ${cfg.header} value for this event hook`, 'wrong_secret');
      const parsed = eventsBody.safeParse(parseJson(req));
      if (!parsed.success) throw shapeError(parsed.error.issues);
      const events = parsed.data.data.events;
      const cutoff = now() - REPLAY_WINDOW_MS;
      const stale = events.filter((e) => Date.parse(e.published) < cutoff);
      if (stale.length) throw new Rejection(400, `event ${stale[0].uuid} was published at ${stale[0].published}, more than 5 minutes ago`, 'stale_timestamp');
      const userIds = (list: typeof events) => list.flatMap((e) => (e.target ?? []).filter((t) => t.type === 'User').map((t) => t.id));
      uniqueIds(userIds(events)); // refuses an oversized delivery before any id is claimed
      const claims: string[] = [];
      for (const e of events) {
        if (seen.claim(`okta:${e.uuid}`)) claims.push(`okta:${e.uuid}`);
      }
      if (!claims.length) throw new Rejection(409, `event ${events[0].uuid} was delivered already`, 'replayed');
      const fresh = events.filter((e) => claims.includes(`okta:${e.uuid}`));
      return { kind: 'reread', ids: uniqueIds(userIds(fresh)), claims, ack: { status: 200, type: 'application/json', body: {} } };
    },
  };
}
