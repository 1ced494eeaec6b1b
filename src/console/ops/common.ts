// Pieces the three operator pages share: the outcome notice of a POST, their stylesheet, dates.
import { html, type SafeHtml } from '../html';

export interface Notice {
  ok: boolean;
  text: string;
}

/** The outcome of the action just taken, said in words (console.css and ops.css prefix "Error:" or "Done:"), announced to screen readers. */
export function noticeBlock(notice: Notice | null): SafeHtml {
  if (!notice) return html``;
  return html`<p class="notice ${notice.ok ? 'done' : 'error'}" role="${notice.ok ? 'status' : 'alert'}">${notice.text}</p>`;
}

/** ops.css, on top of the shell's console.css (a same-origin stylesheet, as the console's CSP wants) */
export const OPS_STYLE: SafeHtml = html`<link rel="stylesheet" href="/console/assets/ops.css">`;

/** "2026-03-10 08:00 UTC": the stored ISO instant, shorter, the zone said. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
