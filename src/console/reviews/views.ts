// The HTML of the review pages. State is written in words (Pending, Kept, Revoked); a table
// stacks into labelled rows on a phone.
import { html, type SafeHtml } from '../html';
import { describeEntitlement, describeScope } from '../../domain/reviews/campaign';
import type { ReviewCampaign, ReviewItem } from '../../domain/reviews/types';

export interface CampaignRow {
  campaign: ReviewCampaign;
  mine: { pending: number; total: number };
  /** for operators: the items nobody else can decide */
  operators: { pending: number; total: number } | null;
}

export function campaignList(rows: CampaignRow[]): SafeHtml {
  if (rows.length === 0) return html`<p>No review campaigns yet. An operator opens one with <code>idsync review start --name NAME</code>.</p>`;
  const showOps = rows.some((r) => r.operators);
  const count = (c: { pending: number; total: number }) => html`<strong>${c.pending} pending</strong> of ${c.total}`;
  return html`<div class="table-wrap"><table class="stack reviews">
<thead><tr><th>Campaign</th><th>Status</th><th>Scope</th><th>Opened</th><th>Your items</th>${showOps ? html`<th>Operators' items</th>` : ''}</tr></thead>
<tbody>${rows.map(
    (r) => html`<tr>
<td data-label="Campaign"><a href="/reviews/${encodeURIComponent(r.campaign.name)}">${r.campaign.name}</a></td>
<td data-label="Status">${r.campaign.status === 'open' ? 'Open' : 'Closed'}</td>
<td data-label="Scope">${describeScope(r.campaign.scope)}</td>
<td data-label="Opened">${r.campaign.openedAt.slice(0, 10)} by ${r.campaign.openedBy.id}</td>
<td data-label="Your items">${count(r.mine)}</td>${showOps ? html`<td data-label="Operators' items">${r.operators ? count(r.operators) : ''}</td>` : ''}
</tr>`,
  )}</tbody></table></div>`;
}

export interface ItemView {
  item: ReviewItem;
  person: string;
  reviewer: string;
  /** may the signed-in person decide it now */
  decidable: boolean;
  /** the item is about the signed-in person's own access */
  own: boolean;
}

export function itemTable(campaign: ReviewCampaign, items: ItemView[], csrf: SafeHtml, caption: string): SafeHtml {
  if (items.length === 0) return html`<p>${caption}: none.</p>`;
  return html`<div class="table-wrap"><table class="stack review-items">
<caption>${caption}</caption>
<thead><tr><th>Person</th><th>Access</th><th>Granted by</th><th>Reviewer</th><th>Decision</th></tr></thead>
<tbody>${items.map((v) => itemRow(campaign, v, csrf))}</tbody></table></div>`;
}

function itemRow(campaign: ReviewCampaign, v: ItemView, csrf: SafeHtml): SafeHtml {
  const i = v.item;
  return html`<tr id="item-${i.id}" data-item="${i.id}">
<td data-label="Person">${v.person} <span class="hint">(${i.username})</span></td>
<td data-label="Access">${describeEntitlement(i.entitlement)}</td>
<td data-label="Granted by"><code>${i.rule}</code></td>
<td data-label="Reviewer">${v.reviewer}</td>
<td data-label="Decision">${v.decidable ? decisionForm(campaign, i, csrf) : decided(i, v.own)}</td>
</tr>`;
}

function decided(i: ReviewItem, own: boolean): SafeHtml {
  if (!i.decision) return html`<span class="state">Pending</span>${own ? html` <span class="hint">(your own access: someone else decides it)</span>` : ''}`;
  const word = i.decision === 'keep' ? 'Kept' : 'Revoked';
  return html`<span class="state ${i.decision === 'keep' ? 'state-good' : 'state-bad'}">${word}</span>
by ${i.decidedBy?.id ?? '?'} on ${(i.decidedAt ?? '').slice(0, 16).replace('T', ' ')}${i.comment ? html`<br><q>${i.comment}</q>` : ''}`;
}

function decisionForm(campaign: ReviewCampaign, i: ReviewItem, csrf: SafeHtml): SafeHtml {
  const action = `/reviews/${encodeURIComponent(campaign.name)}/items/${encodeURIComponent(i.id)}`;
  return html`<span class="state">Pending</span>
<form method="post" action="${action}" class="decide">${csrf}
<label for="comment-${i.id}">Comment <span class="hint">(optional)</span></label><br>
<textarea id="comment-${i.id}" name="comment" rows="2" maxlength="1000"></textarea><br>
<button type="submit" name="decision" value="keep" class="secondary">Keep</button>
<button type="submit" name="decision" value="revoke">Revoke</button>
</form>`;
}

export function notice(text: string, error = false): SafeHtml {
  return html`<p class="notice${error ? ' error' : ''}" role="${error ? 'alert' : 'status'}">${text}</p>`;
}
