// The page of one person: who they are and in what state, why each attribute and access is what
// it is, how each target stands, and the audit trail; with the preview and resync controls.
import { html, type SafeHtml } from '../html';
import type { AuditPage, PersonView } from './backend';
import { stateClass, stateWord } from './words';

export function personBody(p: PersonView, audit: AuditPage, targets: string[], csrf: SafeHtml): SafeHtml {
  const base = `/people/${encodeURIComponent(p.username)}`;
  return html`
    <article class="person" data-username="${p.username}">
      <p><span class="state ${stateClass(p.state)}" id="person-state">${stateWord(p.state)}</span>
        <span class="hint">${p.employeeId ? `employee ${p.employeeId}` : 'no employee id'}${p.mail ? ` · ${p.mail}` : ''}</span></p>
      ${resyncControls(base, targets, csrf)}
      ${stateSection(p)}
      ${attributesSection(p)}
      ${accessSection(p)}
      ${accountsSection(p)}
      ${groupsSection(p)}
      ${auditSection(base, audit)}
    </article>`;
}

function resyncControls(base: string, targets: string[], csrf: SafeHtml): SafeHtml {
  return html`<section id="resync" aria-labelledby="resync-h">
    <h2 id="resync-h">Preview and resync</h2>
    <form method="post" action="${base}/resync" class="resync-form" data-resync>
      ${csrf}
      <label for="resync-target">Target</label>
      <select id="resync-target" name="target">
        <option value="">every target</option>
        ${targets.map((t) => html`<option value="${t}">${t}</option>`)}
      </select>
      <button type="submit" name="mode" value="preview">Preview</button>
      <button type="submit" name="mode" value="apply">Resync now</button>
    </form>
    <div id="resync-job" aria-live="polite"></div>
  </section>`;
}

function table(id: string, heads: string[], rows: SafeHtml[], empty: string): SafeHtml {
  if (!rows.length) return html`<p class="hint" id="${id}">${empty}</p>`;
  return html`<div class="table-wrap"><table class="stack" id="${id}">
    <thead><tr>${heads.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
    <tbody>${rows}</tbody></table></div>`;
}

function cell(label: string, value: SafeHtml | string | null, cls = ''): SafeHtml {
  return html`<td data-label="${label}" class="${cls}">${value ?? '—'}</td>`;
}

function stateSection(p: PersonView): SafeHtml {
  const rows = [...p.stateHistory].reverse().map(
    (s) => html`<tr>${cell('When', s.time)}${cell('Change', s.from ? `${stateWord(s.from)} → ${stateWord(s.to)}` : `created as ${stateWord(s.to)}`)}${cell('By', s.actor)}</tr>`,
  );
  return html`<section><h2>State and history</h2>
    <p>${stateWord(p.state)} since ${p.stateChangedAt}</p>
    ${table('state-history', ['When', 'Change', 'By'], rows, 'No state changes recorded.')}</section>`;
}

function attributesSection(p: PersonView): SafeHtml {
  const rows = p.attributes.map(
    (a) =>
      html`<tr>${cell('Attribute', a.name, 'mono')}${cell('Value', a.value)}${cell('Source', a.source ? `${a.source} (${a.externalId ?? '?'})` : null)}${cell('Rule', a.rule, 'mono')}</tr>`,
  );
  return html`<section><h2>Attributes</h2>${table('attributes', ['Attribute', 'Value', 'Source', 'Rule'], rows, 'No attributes.')}</section>`;
}

function accessSection(p: PersonView): SafeHtml {
  const rows = p.entitlements.map(
    (e) =>
      html`<tr>${cell('Access', `${e.kind === 'group' ? 'group' : 'account in'} ${e.name}`)}${cell('Includes', e.values?.length ? e.values.join(', ') : null)}${cell('Rule', e.rule, 'mono')}</tr>`,
  );
  return html`<section><h2>Access</h2>${table('access', ['Access', 'Includes', 'Rule'], rows, 'No access granted.')}</section>`;
}

function accountsSection(p: PersonView): SafeHtml {
  const rows = p.accounts.map((a) => {
    const waiting = [a.waiting.pending ? `${a.waiting.pending} waiting` : '', a.waiting.failed ? `${a.waiting.failed} failed` : ''].filter(Boolean).join(', ');
    const change = a.lastChange ? html`<span class="hint">${a.lastChange.time}</span><pre class="plan">${a.lastChange.lines.join('\n')}</pre>` : null;
    return html`<tr data-target="${a.target}">${cell('Target', a.target)}${cell('Status', a.status === 'none' ? 'no account' : a.status + (waiting ? ` (${waiting})` : ''))}${cell('Last change', change)}${cell('Last error', a.lastError)}</tr>`;
  });
  return html`<section><h2>Accounts</h2>${table('accounts', ['Target', 'Status', 'Last change', 'Last error'], rows, 'No targets are configured.')}</section>`;
}

function groupsSection(p: PersonView): SafeHtml {
  const rows = p.sourceGroups.map((g) => html`<tr>${cell('Group', g.name)}${cell('From', g.origin)}${cell('How', g.direct ? 'listed by the source' : 'through a nested group')}</tr>`);
  return html`<section><h2>Source groups</h2>${table('source-groups', ['Group', 'From', 'How'], rows, 'In no source group.')}</section>`;
}

export function auditRows(audit: AuditPage): SafeHtml[] {
  return audit.records.map(
    (r) => html`<tr>${cell('When', r.time)}${cell('Who', r.actor)}${cell('Action', r.action, 'mono')}${cell('What', r.summary)}</tr>`,
  );
}

function auditSection(base: string, audit: AuditPage): SafeHtml {
  const links = Array.from({ length: audit.pages }, (_, i) => i + 1).map((n) =>
    n === audit.page ? html`<strong>${n}</strong> ` : html`<a href="${base}?audit=${n}#audit">${n}</a> `,
  );
  const more = audit.page < audit.pages ? html`<button type="button" id="audit-more" data-next="${audit.page + 1}" data-url="${base}/audit">Show older</button>` : null;
  return html`<section id="audit"><h2>Audit</h2>
    <p class="hint">${audit.total} records, newest first.</p>
    ${table('audit-table', ['When', 'Who', 'Action', 'What'], auditRows(audit), 'No audit records.')}
    ${more}
    ${audit.pages > 1 ? html`<nav class="pages" aria-label="audit pages">Page ${links}</nav>` : null}</section>`;
}
