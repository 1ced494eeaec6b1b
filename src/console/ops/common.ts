// Pieces the three operator pages share: the outcome notice of a POST, the layout rules that keep
// tables readable on a phone, and the navigation between the pages.
import { html, trusted, type SafeHtml } from '../html';

export interface Notice {
  ok: boolean;
  text: string;
}

/** The outcome of the action just taken, said in words (not only a colour) and announced to screen readers. */
export function noticeBlock(notice: Notice | null): SafeHtml {
  if (!notice) return html``;
  return html`<p class="ops-notice ${notice.ok ? 'ok' : 'refused'}" role="${notice.ok ? 'status' : 'alert'}"><strong>${notice.ok ? 'Done:' : 'Not done:'}</strong> ${notice.text}</p>`;
}

const PAGES = [
  { path: '/ops/runs', label: 'Held runs' },
  { path: '/ops/dead-letters', label: 'Dead letters' },
  { path: '/ops/disputes', label: 'Disputes' },
];

/** Links between the operator pages, the current one marked in words for readers without colour. */
export function opsTabs(current: string): SafeHtml {
  return html`<nav class="ops-tabs" aria-label="Operator pages"><ul>${PAGES.map((p) =>
    p.path === current ? html`<li><strong aria-current="page">${p.label}</strong></li>` : html`<li><a href="${p.path}">${p.label}</a></li>`,
  )}</ul></nav>`;
}

/** "2026-03-10 08:00 UTC": the stored ISO instant, shorter, the zone said. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

// Tables become one block per row under 640 px, each cell led by its column name (data-label), so
// nothing scrolls sideways on a phone; wide side-by-side comparisons scroll inside their own box.
export const OPS_STYLE: SafeHtml = trusted(`<style>
.ops-tabs ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;padding:0;margin:0 0 1rem}
.ops-notice{border:2px solid;padding:.5rem .75rem;margin:0 0 1rem}
.ops-notice.ok{border-color:#2a7a2a}.ops-notice.refused{border-color:#b00020;border-style:dashed}
.ops-card{border:1px solid #999;padding:.75rem;margin:0 0 1rem;max-width:72rem}
.ops-card h2{margin-top:0;font-size:1.15rem;overflow-wrap:anywhere}
.ops-facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .75rem;margin:0 0 .75rem}
.ops-facts dt{font-weight:bold}.ops-facts dd{margin:0;overflow-wrap:anywhere}
.ops-table{border-collapse:collapse;margin:0 0 .75rem}
.ops-table th,.ops-table td{border:1px solid #999;padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
.ops-scroll{overflow-x:auto;max-width:100%}
.ops-people{margin:0 0 .75rem;padding-left:1.25rem}.ops-people code{white-space:pre-wrap}
.ops-actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0}
.ops-actions form{margin:0}
.ops-card button,.ops-table button{min-height:2.5rem;padding:.3rem .9rem;font:inherit}
.same{font-size:.85em}
@media (max-width:640px){
 .ops-stack thead{display:none}
 .ops-stack,.ops-stack tbody,.ops-stack tr,.ops-stack td{display:block;width:auto}
 .ops-stack tr{border:1px solid #999;margin:0 0 .5rem}
 .ops-stack td{border:none;border-bottom:1px dotted #999}
 .ops-stack td::before{content:attr(data-label) ": ";font-weight:bold}
 .ops-counts th,.ops-counts td{padding:.25rem .4rem}
}
</style>`);
