// The home page: one search box. With script, results follow the typing (people.js asks
// /search.json); without it, the box is a GET form and the results come back rendered here.
import { html, type SafeHtml } from '../html';
import type { PersonHit } from './backend';
import { stateClass, stateWord } from './words';

export function homeBody(query: string, hits: PersonHit[] | null): SafeHtml {
  return html`
    <section class="people-search">
      <form method="get" action="/" role="search" class="search-form">
        <label for="people-q">Name, username, employee id or email</label>
        <div class="search-row">
          <input id="people-q" name="q" type="search" size="40" autocomplete="off" spellcheck="false" value="${query}" data-live-search="/search.json" autofocus>
          <button type="submit">Search</button>
        </div>
      </form>
      <p id="people-status" class="hint" aria-live="polite">${hits === null ? '' : hits.length ? `${hits.length} found` : 'nobody found'}</p>
      <ul id="people-results" class="results">${(hits ?? []).map(hitItem)}</ul>
    </section>`;
}

function hitItem(h: PersonHit): SafeHtml {
  return html`<li class="result">
    <a href="/people/${encodeURIComponent(h.username)}"><strong>${h.displayName}</strong> (<span class="username">${h.username}</span>)</a>
    — <span class="state ${stateClass(h.state)}">${stateWord(h.state)}</span>
    · <span class="hint">${h.employeeId ? `employee ${h.employeeId}` : 'no employee id'}${h.mail ? ` · ${h.mail}` : ''}</span>
  </li>`;
}
