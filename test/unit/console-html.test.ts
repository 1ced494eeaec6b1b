import { html, trusted } from '../../src/console/html';
import { navFor, shell } from '../../src/console/core/layout';

describe('the html template', () => {
  it('escapes every interpolated value, keeps nested fragments and flattens lists', () => {
    const name = '<img src=x onerror="alert(1)">';
    const out = html`<p title="${name}">${name}</p><ul>${['a&b', html`<li>${"it's"}</li>`]}</ul>${null}${false}${0}`;
    expect(out.text).toBe('<p title="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p><ul>a&amp;b<li>it&#39;s</li></ul>0');
    expect(html`${trusted('<b>ok</b>')}`.text).toBe('<b>ok</b>');
  });
});

describe('the console layout', () => {
  it('shows the navigation a role opens, and nothing more', () => {
    const labels = (roles: Parameters<typeof navFor>[0]) => navFor(roles).map((l) => l.label);
    expect(labels(['helpdesk'])).toEqual(['Search']);
    expect(labels(['helpdesk', 'operator'])).toEqual(['Search', 'Runs', 'Dead letters', 'Disputes', 'Reviews']);
    expect(labels(['reviewer'])).toEqual(['Reviews']);
  });

  it('puts the CSRF token in a meta tag, loads one stylesheet and scripts from the assets folder', () => {
    const page = shell({ title: 'T<', body: html`<p>b</p>`, scripts: ['search.js'], csrf: 'tok"en', path: '/', user: { identityId: 'i', username: 'ann', displayName: 'Ann <A>', roles: ['helpdesk'] }, csrfField: html`` });
    expect(page).toContain('<meta name="csrf-token" content="tok&quot;en">');
    expect(page.match(/rel="stylesheet"/g)).toHaveLength(1);
    expect(page).toContain('href="/console/assets/console.css"');
    expect(page).toContain('<script src="/console/assets/search.js" defer></script>');
    expect(page).toContain('<title>T&lt; · idsync console</title>');
    expect(page).toContain('Ann &lt;A&gt;');
    expect(page).toContain('<a href="/" aria-current="page">Search</a>');
  });
});
