// A preview or resync as the page shows it: one block per target with its plan lines and its
// outcome. people.js draws the same from the job's JSON while it polls.
import { html, type SafeHtml } from '../html';
import type { ResyncJobView } from './backend';
import { jobWord, outcomeWord } from './words';

export function jobBlock(job: ResyncJobView): SafeHtml {
  const targets = job.result?.targets ?? [];
  const sources = job.result?.sources ?? [];
  return html`<div class="job" data-job="${job.id}" data-status="${job.status}">
    <p class="job-status"><strong>${jobWord(job)}</strong> <span class="hint">started ${job.startedAt} by ${job.actor}</span></p>
    ${sources.map((s) => html`<p class="hint">source ${s.source}: ${s.status}</p>`)}
    ${targets.map(
      (t) => html`<div class="job-target" data-target="${t.target}">
        <h3>${t.target}: <span class="outcome">${outcomeWord(t)}</span></h3>
        <pre class="plan">${t.plan.join('\n')}</pre>
      </div>`,
    )}
  </div>`;
}

/** The page a form without script lands on; it reloads itself until the job is over. */
export function jobBody(job: ResyncJobView, personUrl: string): SafeHtml {
  const over = job.status === 'done' || job.status === 'failed';
  return html`${over ? null : html`<meta http-equiv="refresh" content="1">`}
    <article class="person">
      <p><a href="${personUrl}">Back to ${job.user}</a></p>
      ${jobBlock(job)}
    </article>`;
}
