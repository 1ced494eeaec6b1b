// The page shell every console page shares: one stylesheet, the CSRF token for scripts, and the
// navigation the person's roles open. Links a person may not follow are not shown at all.
import { html, type SafeHtml } from '../html';
import type { ConsoleRole, ConsoleUser } from '../contract';

interface NavLink {
  href: string;
  label: string;
  roles: ConsoleRole[];
}

const NAV: NavLink[] = [
  { href: '/', label: 'Search', roles: ['helpdesk', 'operator'] },
  { href: '/ops/runs', label: 'Runs', roles: ['operator'] },
  { href: '/ops/dead-letters', label: 'Dead letters', roles: ['operator'] },
  { href: '/ops/disputes', label: 'Disputes', roles: ['operator'] },
  { href: '/reviews', label: 'Reviews', roles: ['reviewer', 'operator'] },
];

export const ASSETS = '/console/assets';

/** The links a person with these roles sees, in menu order. */
export function navFor(roles: readonly ConsoleRole[]): NavLink[] {
  return NAV.filter((l) => l.roles.some((r) => roles.includes(r)));
}

function isCurrent(href: string, path: string): boolean {
  return href === '/' ? path === '/' || path.startsWith('/people/') : path === href || path.startsWith(`${href}/`);
}

export interface ShellInput {
  title: string;
  body: SafeHtml;
  scripts?: string[];
  csrf: string;
  path: string;
  /** null on the sign-in page */
  user: ConsoleUser | null;
  csrfField: SafeHtml;
}

function header(input: ShellInput): SafeHtml {
  const user = input.user;
  if (!user) return html`<header class="top"><span class="brand">idsync console</span></header>`;
  const links = navFor(user.roles).map(
    (l) => html`<li><a href="${l.href}"${isCurrent(l.href, input.path) ? html` aria-current="page"` : ''}>${l.label}</a></li>`,
  );
  return html`<header class="top">
  <a class="brand" href="/">idsync console</a>
  <nav aria-label="Main"><ul>${links}</ul></nav>
  <div class="who">
    <span class="who-name">${user.displayName} <span class="who-id">(${user.username}; ${user.roles.join(', ')})</span></span>
    <form method="post" action="/sign-out" class="sign-out">${input.csrfField}<button type="submit">Sign out</button></form>
  </div>
</header>`;
}

export function shell(input: ShellInput): string {
  const scripts = ['console.js', ...(input.scripts ?? [])].map((s) => html`<script src="${ASSETS}/${s}" defer></script>`);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${input.csrf}">
<title>${input.title} · idsync console</title>
<link rel="stylesheet" href="${ASSETS}/console.css">
${scripts}
</head>
<body>
${header(input)}
<main id="main">
<h1>${input.title}</h1>
${input.body}
</main>
</body>
</html>
`.text;
}
