// The helpdesk pages' own few rules: tables scroll sideways or stack into label/value rows on a
// phone, states are words in a box (a colour only repeats what the word says).
import { trusted } from '../html';

export const PEOPLE_STYLE = trusted(`<style>
.people-search .search-row { display: flex; gap: .5rem; }
.people-search input[type=search] { flex: 1; min-width: 0; font-size: 1.1rem; padding: .4rem; }
.results { list-style: none; padding: 0; }
.result { display: flex; flex-wrap: wrap; gap: .25rem .75rem; padding: .5rem 0; border-bottom: 1px solid #ddd; align-items: baseline; }
.result a { text-decoration: none; }
.username, .mono { font-family: monospace; }
.muted { color: #555; }
.state { border: 1px solid currentColor; border-radius: 3px; padding: 0 .3rem; font-size: .9rem; }
.state-active { color: #155724; } .state-terminated { color: #721c24; } .state-suspended { color: #856404; } .state-prehire { color: #004085; }
.person section { margin: 1.25rem 0; }
.scroll { overflow-x: auto; max-width: 100%; }
.person table { border-collapse: collapse; width: 100%; }
.person th, .person td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #ddd; vertical-align: top; overflow-wrap: anywhere; }
.plan { font-family: monospace; white-space: pre-wrap; margin: .25rem 0; }
.outcome { font-weight: bold; }
.resync-form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
@media (max-width: 640px) {
  .person table.stack thead { display: none; }
  .person table.stack tr { display: block; border-bottom: 1px solid #bbb; padding: .3rem 0; }
  .person table.stack td { display: block; border: 0; padding: .1rem 0; }
  .person table.stack td::before { content: attr(data-label) ": "; font-weight: bold; }
}
</style>`);
