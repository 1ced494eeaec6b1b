// HTML is built with one tagged template: every interpolated value is escaped unless it is
// already SafeHtml, so a name or attribute from a source can never become markup or script.

const SAFE = Symbol('safe-html');

export interface SafeHtml {
  readonly [SAFE]: true;
  readonly text: string;
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

/** Marks text as markup; only for strings this code wrote itself, never for input. */
export function trusted(text: string): SafeHtml {
  return { [SAFE]: true, text };
}

export function isSafeHtml(v: unknown): v is SafeHtml {
  return typeof v === 'object' && v !== null && (v as Partial<SafeHtml>)[SAFE] === true;
}

function render(v: HtmlValue): string {
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) return v.map(render).join('');
  if (isSafeHtml(v)) return v.text;
  return escapeHtml(String(v));
}

/** html`<p>${name}</p>`: `name` is escaped; nested html`` fragments and arrays of them are kept. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return trusted(out);
}
