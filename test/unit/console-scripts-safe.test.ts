// Console scripts build the DOM from data with textContent and createElement: a string from a
// source or a server answer is never parsed as markup or code in the browser.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ASSETS = join(__dirname, '..', '..', 'src', 'console', 'assets');
const UNSAFE: [RegExp, string][] = [
  [/\.(innerHTML|outerHTML)\s*[+]?=/, 'assigns innerHTML/outerHTML'],
  [/\binsertAdjacentHTML\s*\(/, 'calls insertAdjacentHTML'],
  [/\bdocument\.write(ln)?\s*\(/, 'calls document.write'],
  [/\beval\s*\(|\bnew\s+Function\s*\(/, 'evaluates strings as code'],
  [/\bset(Timeout|Interval)\s*\(\s*['"`]/, 'passes a string to setTimeout/setInterval'],
  [/\.setAttribute\s*\(\s*['"]on/i, 'sets an event-handler attribute'],
  [/createContextualFragment|DOMParser/, 'parses strings as markup'],
];

describe('console scripts', () => {
  const scripts = readdirSync(ASSETS).filter((f) => f.endsWith('.js'));

  it('exist', () => expect(scripts.length).toBeGreaterThan(0));

  it.each(scripts)('%s builds no markup or code from strings', (name) => {
    const source = readFileSync(join(ASSETS, name), 'utf8');
    const found = UNSAFE.filter(([re]) => re.test(source)).map(([, what]) => what);
    expect(found).toEqual([]);
  });
});
