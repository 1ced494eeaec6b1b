// /reviews: the campaigns with what the signed-in reviewer still has to decide; /reviews/:campaign:
// their items, each with the rule that granted it and keep / revoke buttons. A reviewer sees and
// decides only the items assigned to them; operators also the operators' items, and may look at all.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { html } from '../html';
import type { ConsoleUser, PageKit, PageModule } from '../contract';
import { mayDecide, mayView, type ReviewerView } from '../../domain/reviews/access';
import { describeEntitlement } from '../../domain/reviews/campaign';
import { OPERATORS_REVIEWER, type ReviewCampaign, type ReviewItem } from '../../domain/reviews/types';
import type { ReviewBackend } from './backend';
import { campaignList, itemTable, notice, type CampaignRow, type ItemView } from './views';

const ROLES = ['reviewer', 'operator'] as const;

const viewOf = (user: ConsoleUser): ReviewerView => ({ identityId: user.identityId, operator: user.roles.includes('operator') });

const count = (items: ReviewItem[]) => ({ pending: items.filter((i) => !i.decision).length, total: items.length });

export function reviewPages(backend: ReviewBackend): PageModule {
  return (app: FastifyInstance, kit: PageKit) => {
    const guard = { preHandler: kit.require(...ROLES) };

    app.get('/reviews', guard, async (req, reply) => {
      const who = viewOf(kit.user(req));
      const rows: CampaignRow[] = [];
      for (const campaign of await backend.campaigns()) {
        const items = await backend.items(campaign.id);
        rows.push({
          campaign,
          mine: count(items.filter((i) => i.reviewer === who.identityId)),
          operators: who.operator ? count(items.filter((i) => i.reviewer === OPERATORS_REVIEWER)) : null,
        });
      }
      const intro = html`<p>Each item is one access a person holds and the rule that granted it. Keep it, or revoke it: a revoke takes the access away until the rule itself is changed.</p>`;
      return sendPage(reply, kit.page(req, { title: 'Access reviews', body: html`${intro}${campaignList(rows.reverse())}` }));
    });

    app.get('/reviews/:campaign', guard, async (req, reply) => {
      const campaign = await backend.campaign(param(req, 'campaign'));
      if (!campaign) return sendPage(reply.code(404), kit.page(req, { title: 'Access reviews', body: notice('There is no review campaign of that name.', true) }), 404);
      const q = req.query as Record<string, string | undefined>;
      return sendPage(reply, await campaignPage(req, kit, backend, campaign, { all: q.all === '1', decided: q.decided }));
    });

    app.post('/reviews/:campaign/items/:item', guard, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const decision = body.decision === 'keep' || body.decision === 'revoke' ? body.decision : null;
      const name = param(req, 'campaign');
      const wantsJson = (req.headers.accept ?? '').includes('application/json');
      const refuse = (status: number, message: string) =>
        wantsJson
          ? reply.code(status).send({ error: message })
          : sendPage(reply.code(status), kit.page(req, { title: 'Decision not recorded', body: html`${notice(message, true)}<p><a href="/reviews/${encodeURIComponent(name)}">Back to the campaign</a></p>` }), status);
      if (!decision) return refuse(400, 'choose keep or revoke');
      const res = await backend.decide({
        campaign: name,
        itemId: param(req, 'item'),
        decision,
        comment: typeof body.comment === 'string' ? body.comment : undefined,
        actor: kit.actor(req),
        reviewer: viewOf(kit.user(req)),
      });
      if (!res.ok) return refuse(res.refusal.status, res.refusal.message);
      if (wantsJson) return reply.send({ item: res.item, targets: res.targets });
      return reply.code(303).header('location', `/reviews/${encodeURIComponent(name)}?decided=${encodeURIComponent(res.item.id)}#item-${res.item.id}`).send();
    });
  };
}

async function campaignPage(req: FastifyRequest, kit: PageKit, backend: ReviewBackend, campaign: ReviewCampaign, opts: { all: boolean; decided?: string }): Promise<string> {
  const who = viewOf(kit.user(req));
  const items = (await backend.items(campaign.id)).filter((i) => mayView(i, who));
  const names = await backend.names([...new Set(items.flatMap((i) => [i.identityId, i.reviewer]))]);
  const view = (i: ReviewItem): ItemView => ({
    item: i,
    person: names.get(i.identityId) ?? i.username,
    reviewer: i.reviewer === OPERATORS_REVIEWER ? 'operators' : names.get(i.reviewer) ?? i.reviewer,
    decidable: campaign.status === 'open' && !i.decision && mayDecide(i, who),
    own: i.identityId === who.identityId,
  });
  const csrf = kit.csrfField(req);
  const mine = items.filter((i) => i.reviewer === who.identityId).map(view);
  const parts = [itemTable(campaign, mine, csrf, 'Assigned to you')];
  if (who.operator) parts.push(itemTable(campaign, items.filter((i) => i.reviewer === OPERATORS_REVIEWER).map(view), csrf, 'Assigned to the operators'));
  if (who.operator && opts.all) parts.push(itemTable(campaign, items.filter((i) => i.reviewer !== who.identityId && i.reviewer !== OPERATORS_REVIEWER).map(view), csrf, 'Assigned to other reviewers'));
  const done = opts.decided ? items.find((i) => i.id === opts.decided && i.decision) : undefined;
  const summary = html`<p>${campaign.status === 'open' ? 'Open' : 'Closed'} · opened ${campaign.openedAt.slice(0, 10)} by ${campaign.openedBy.id} ·
${mine.filter((v) => !v.item.decision).length} of your ${mine.length} items pending${who.operator && !opts.all ? html` · <a href="?all=1">show every item</a>` : ''}</p>`;
  const body = html`<p><a href="/reviews">All campaigns</a></p>${done ? notice(decidedText(done, names)) : ''}${summary}${parts}`;
  return kit.page(req, { title: `Review ${campaign.name}`, body });
}

function decidedText(i: ReviewItem, names: Map<string, string>): string {
  const what = `${describeEntitlement(i.entitlement)} of ${names.get(i.identityId) ?? i.username}`;
  return i.decision === 'revoke' ? `Revoked: ${what}. The access is being removed from the targets.` : `Kept: ${what}.`;
}

function param(req: FastifyRequest, name: string): string {
  return String((req.params as Record<string, string>)[name] ?? '');
}

function sendPage(reply: FastifyReply, page: string, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(page);
}
