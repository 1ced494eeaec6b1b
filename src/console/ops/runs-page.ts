// /ops/runs: every held run, what allowing it would do now, and its Allow button.
import { html, type SafeHtml } from '../html';
import type { HeldRunSummary, HeldRunView } from './backend';
import { noticeBlock, OPS_STYLE, plural, when, type Notice } from './common';

export function runsBody(runs: HeldRunView[], csrf: SafeHtml, notice: Notice | null): SafeHtml {
  return html`${OPS_STYLE}
${noticeBlock(notice)}
<p>${runs.length ? `${plural(runs.length, 'run')} held: each waits until an operator allows it. The counts are what allowing it would do now.` : 'No held runs: nothing waits for an operator.'}</p>
${runs.map((r) => runCard(r, csrf))}`;
}

function runCard(view: HeldRunView, csrf: SafeHtml): SafeHtml {
  const { run } = view;
  const what = view.kind === 'source' ? 'source run (its staged records are applied as they were read)' : 'held removals of a target (released to its queue)';
  return html`<section class="ops-card held-run" data-run="${run.id}" aria-labelledby="h-${run.id}">
<h2 id="h-${run.id}">Run ${run.id}</h2>
<dl class="ops-facts">
<dt>Status</dt><dd>held</dd>
<dt>Source</dt><dd>${run.source}</dd>
<dt>Kind</dt><dd>${what}</dd>
<dt>Held since</dt><dd>${when(run.startedAt)}</dd>
<dt>Why held</dt><dd>${run.reason ?? '(no reason recorded)'}</dd>
</dl>
${view.summary ? summaryBlock(view.summary) : html`<p><strong>What it would do is not known:</strong> ${view.summaryError ?? 'the preview failed'}</p>`}
<div class="ops-actions"><form method="post" action="/ops/runs/${encodeURIComponent(run.id)}/allow">${csrf}<button type="submit" aria-label="Allow run ${run.id}">Allow</button></form></div>
</section>`;
}

function summaryBlock(s: HeldRunSummary): SafeHtml {
  const counts: Array<[string, number]> = [
    ['Creates', s.creates],
    ['Updates', s.updates],
    ['Terminations', s.terminations],
    ['Suspensions', s.suspensions],
    ['Access removals', s.accessRemovals],
  ];
  return html`<table class="ops-counts"><caption>If allowed now</caption>
<tbody>${counts.map(([label, n]) => html`<tr><th scope="row">${label}</th><td data-count="${label.toLowerCase()}">${n}</td></tr>`)}</tbody>
</table>
<h3>${s.people === 0 ? 'Nobody is affected' : `First people affected (${Math.min(s.first.length, s.people)} of ${s.people})`}</h3>
${s.first.length ? html`<ul class="ops-people">${s.first.map((p) => html`<li><strong>${p.username}</strong>${p.removesAccess ? ' (loses access)' : ''}: ${p.lines.map((l, i) => html`${i ? '; ' : ''}<code>${l}</code>`)}</li>`)}</ul>` : ''}`;
}
