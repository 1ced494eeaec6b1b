// Microsoft Graph change notifications: the validation POST (or GET) with ?validationToken= is
// echoed as text/plain (Graph waits 10 s for it); a notification batch is authenticated by the
// clientState idsync chose when it created the subscription, checked on every notification.
// Graph puts no id or time on a notification, so a replay cannot be told apart: it only makes
// idsync read the same users again from Graph, which changes nothing.
import { z } from 'zod';
import { Rejection } from '../server';
import { parseJson, sameSecret, shapeError, uniqueIds, type HookEndpoint } from './request';

const notifications = z.object({
  value: z
    .array(
      z.object({
        clientState: z.string().nullish(),
        changeType: z.string().min(1),
        resource: z.string().min(1),
        resourceData: z.object({ id: z.string().min(1).optional() }).loose().nullish(),
      }).loose(),
    )
    .min(1),
}).loose();

const USER_RESOURCE = /^\/?users\/([^/]+)$/i;
const MAX_TOKEN = 1024;

export function graphHook(cfg: { clientState: string }): HookEndpoint {
  return {
    handle(req) {
      const token = req.query.validationToken;
      if (typeof token === 'string') {
        if (!token || token.length > MAX_TOKEN) throw new Rejection(400, `validationToken must be 1 to ${MAX_TOKEN} characters`, 'bad_validation_token');
        return { kind: 'reply', reply: { status: 200, type: 'text/plain; charset=utf-8', body: token } };
      }
      if (req.method !== 'POST') throw new Rejection(405, 'Graph notifications are POSTed; a GET needs ?validationToken=', 'method_not_allowed');
      const parsed = notifications.safeParse(parseJson(req));
      if (!parsed.success) throw shapeError(parsed.error.issues);
      const ids: string[] = [];
      parsed.data.value.forEach((n, i) => {
        if (typeof n.clientState !== 'string') throw new Rejection(401, `notification ${i + 1} carries no clientState`, 'no_client_state');
        if (!sameSecret(n.clientState, cfg.clientState)) throw new Rejection(401, `notification ${i + 1} carries the wrong clientState`, 'wrong_client_state');
        const id = n.resourceData?.id ?? USER_RESOURCE.exec(n.resource)?.[1];
        if (!id || !USER_RESOURCE.test(n.resource)) throw new Rejection(400, `notification ${i + 1}: resource "${n.resource}" is not users/{id}`, 'malformed_body');
        ids.push(id);
      });
      // Graph wants 202 Accepted for a batch taken in
      return { kind: 'reread', ids: uniqueIds(ids), claims: [], ack: { status: 202, type: 'application/json', body: {} } };
    },
  };
}
