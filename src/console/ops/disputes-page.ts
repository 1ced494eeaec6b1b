// /ops/disputes: each open dispute's record beside its candidates, a "Join to" button per
// candidate; resolved disputes with the decision and who made it.
import { CANONICAL_ATTRIBUTES, type Attributes } from '../../domain/types';
import { html, type SafeHtml } from '../html';
import type { CandidateView, DisputeView } from './backend';
import { noticeBlock, OPS_STYLE, plural, when, type Notice } from './common';

export function disputesBody(views: { open: DisputeView[]; resolved: DisputeView[] }, csrf: SafeHtml, notice: Notice | null): SafeHtml {
  return html`${OPS_STYLE}
${noticeBlock(notice)}
<p>${views.open.length
    ? `${plural(views.open.length, 'record')} matched more than one person and changed nothing. Choose who each one is: the record is linked to that person and applied at once.`
    : 'No open disputes.'}</p>
${views.open.map((v) => openCard(v, csrf))}
<h2>Resolved</h2>
${views.resolved.length ? resolvedTable(views.resolved) : html`<p>None yet.</p>`}`;
}

function openCard(view: DisputeView, csrf: SafeHtml): SafeHtml {
  const d = view.dispute;
  const record = d.attributes ?? null;
  const rows = attributeNames([record ?? {}, ...view.candidates.map((c) => c.attributes)]);
  return html`<section class="ops-card dispute" data-dispute="${d.id}">
<h2>${d.source} record ${d.externalId}</h2>
<dl class="ops-facts">
<dt>Status</dt><dd>open</dd>
<dt>Matched by</dt><dd>join rule ${d.rule}, ${plural(d.candidates.length, 'candidate')}</dd>
<dt>Opened</dt><dd>${when(d.openedAt)}</dd>
<dt>Dispute id</dt><dd>${d.id}</dd>
</dl>
${record ? '' : html`<p>The record's attributes were not kept when this dispute opened; the candidates are shown alone.</p>`}
<div class="table-wrap"><table class="compare">
<caption>The record (as read when the dispute opened) beside each candidate; "same" marks a value equal to the record's</caption>
<thead><tr><th scope="col">Attribute</th>${record ? html`<th scope="col">Record ${d.externalId}</th>` : ''}${view.candidates.map((c) => html`<th scope="col">${c.username} (${c.state})</th>`)}</tr></thead>
<tbody>${rows.map((name) => html`<tr><th scope="row">${name}</th>${record ? html`<td data-label="Record ${d.externalId}">${show(record[name])}</td>` : ''}${view.candidates.map((c) => cell(c, name, record))}</tr>`)}</tbody>
</table></div>
<div class="ops-actions">${view.candidates.map((c) => joinForm(d.id, c, csrf))}</div>
</section>`;
}

function cell(c: CandidateView, name: string, record: Attributes | null): SafeHtml {
  const value = c.attributes[name] ?? null;
  const same = record !== null && value !== null && sameValue(value, record[name] ?? null);
  return html`<td data-label="${c.username} (${c.state})">${show(value)}${same ? html` <span class="same">(same)</span>` : ''}</td>`;
}

function joinForm(disputeId: string, c: CandidateView, csrf: SafeHtml): SafeHtml {
  return html`<form method="post" action="/ops/disputes/${encodeURIComponent(disputeId)}/resolve">${csrf}<input type="hidden" name="identityId" value="${c.identityId}"><button type="submit">Join to ${c.username}</button></form>`;
}

function resolvedTable(views: DisputeView[]): SafeHtml {
  return html`<table class="stack resolved">
<thead><tr><th scope="col">Record</th><th scope="col">Joined to</th><th scope="col">Decided by</th><th scope="col">When</th></tr></thead>
<tbody>${views.map(({ dispute: d }) => html`<tr data-dispute="${d.id}">
<td data-label="Record">${d.source} record ${d.externalId}</td>
<td data-label="Joined to">${d.resolution ? html`<a href="/people/${encodeURIComponent(d.resolution.username)}">${d.resolution.username}</a>` : '(no decision recorded)'}</td>
<td data-label="Decided by">${d.resolution?.decidedBy.id ?? '—'}</td>
<td data-label="When">${when(d.resolvedAt)}</td>
</tr>`)}</tbody>
</table>`;
}

/** Canonical attributes first in their usual order, then the rest by name; names nobody has a value for are left out. */
function attributeNames(bags: Attributes[]): string[] {
  const present = new Set(bags.flatMap((b) => Object.keys(b).filter((k) => b[k] !== null && b[k] !== undefined)));
  const canonical: string[] = CANONICAL_ATTRIBUTES.filter((k) => present.has(k));
  const rest = [...present].filter((k) => !canonical.includes(k)).sort();
  return [...canonical, ...rest];
}

const show = (v: string | null | undefined): string => (v === null || v === undefined ? '—' : v);

const sameValue = (a: string, b: string | null): boolean => b !== null && a.toLowerCase() === b.toLowerCase();
