// /ops/dead-letters: provisioning jobs a target refused for good, with Retry per person and per target.
import { html, type SafeHtml } from '../html';
import type { DeadLetter } from './backend';
import { noticeBlock, OPS_STYLE, plural, when, type Notice } from './common';

export function deadLettersBody(letters: DeadLetter[], csrf: SafeHtml, notice: Notice | null): SafeHtml {
  const targets = [...new Set(letters.map((l) => l.target))].sort();
  return html`${OPS_STYLE}
${noticeBlock(notice)}
<p>${letters.length ? `${plural(letters.length, 'job')} failed for good. Retry sends a job again at once; fix the cause first.` : 'No dead letters: every provisioning job went through or is still being tried.'}</p>
${targets.length ? html`<div class="ops-actions">${targets.map((t) => {
    const n = letters.filter((l) => l.target === t).length;
    return retryForm(csrf, t, null, `Retry all ${n} of ${t}`, `Retry all ${plural(n, 'dead letter')} of target ${t}`);
  })}</div>` : ''}
${letters.length ? table(letters, csrf) : ''}`;
}

function table(letters: DeadLetter[], csrf: SafeHtml): SafeHtml {
  return html`<table class="stack dead-letters">
<thead><tr><th scope="col">Target</th><th scope="col">Person</th><th scope="col">Error</th><th scope="col">Attempts</th><th scope="col">Failed at</th><th scope="col">Action</th></tr></thead>
<tbody>${letters.map((l) => {
    const who = l.username ?? l.identityId;
    return html`<tr data-job="${l.jobId}">
<td data-label="Target">${l.target}</td>
<td data-label="Person">${l.username ? html`<a href="/people/${encodeURIComponent(l.username)}">${l.username}</a>` : `${l.identityId} (no longer in the store)`}</td>
<td data-label="Error">${l.lastError ?? '(no error recorded)'}</td>
<td data-label="Attempts">${l.attempts}</td>
<td data-label="Failed at">${when(l.failedAt)}</td>
<td data-label="Action">${retryForm(csrf, l.target, l.identityId, 'Retry', `Retry ${who} in ${l.target}`)}</td>
</tr>`;
  })}</tbody>
</table>`;
}

function retryForm(csrf: SafeHtml, target: string, identityId: string | null, label: string, aria: string): SafeHtml {
  return html`<form method="post" action="/ops/dead-letters/retry">${csrf}<input type="hidden" name="target" value="${target}">${identityId ? html`<input type="hidden" name="identityId" value="${identityId}">` : ''}<button type="submit" aria-label="${aria}">${label}</button></form>`;
}
