// Browser tests of the helpdesk console: a daemon in this process (HR CSV source, LDAP view, admin
// server with the console, optionally a SCIM application), people with passwords and TOTP secrets
// in the credential store, and Debian's chromium driven by playwright-core.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startDaemon, type Daemon } from '../../src/main';
import { silentLogger } from '../../src/ports/logger';
import type { Clock } from '../../src/ports/clock';
import type { AuditRecord } from '../../src/domain/types';
import { deletePrefix } from '../../src/redis/keys';
import { openCredentialStore } from '../../src/storage/credentials';
import type { CredentialStore } from '../../src/ports/credential-store';
import { enrollMfa, setPassword } from '../../src/cli/commands/credentials';
import { timeStepAt, totpCode } from '../../src/ldap/auth/totp';
import { startScimServer, type ScimServer, type ScimServerOptions } from '../fakes/scim-server';
import { hrCsv, type Person } from '../helpers/cli';
import { testConfig } from '../helpers/test-config';

export type { Person } from '../helpers/cli';

export const PASSWORD = 'correct horse battery staple';
export const SCREENSHOTS = join(__dirname, '..', '..', 'test-output', 'screenshots');
export const BASE_DN = 'dc=example,dc=com';

/**
 * The default staff: a helpdesk agent, an operator, a manager with one report, the report, and a
 * terminated former helpdesk agent. Titles decide the console groups (see DEFAULT_ROLES).
 */
export const DEFAULT_PEOPLE: Person[] = [
  { id: 'E1', first: 'Hana', last: 'Help', department: 'Support', title: 'Helpdesk' },
  { id: 'E2', first: 'Otto', last: 'Oper', department: 'IT', title: 'Operator' },
  { id: 'E3', first: 'Mia', last: 'Manager', department: 'Engineering', title: 'Manager' },
  { id: 'E4', first: 'Eli', last: 'Engineer', department: 'Engineering', title: 'Engineer', manager: 'E3' },
  { id: 'E5', first: 'Tom', last: 'Gone', department: 'Support', title: 'Helpdesk', status: 'terminated', end: '2024-01-31' },
];

/** `roles:` entries (YAML lines) that put helpdesk and operator staff into the console's groups */
export const DEFAULT_ROLES = [
  `  - { name: helpdesk-staff, when: 'title == "Helpdesk"', groups: [helpdesk] }`,
  `  - { name: operators, when: 'title == "Operator"', groups: [idsync-operators] }`,
];

/** admin.console's body (YAML lines, indented under `console:`) */
export const DEFAULT_CONSOLE = ['    roles: { helpdesk: [helpdesk], operator: [idsync-operators], reviewer: managers }'];

export interface HarnessOptions {
  people?: Person[];
  /** `roles:` entries, YAML lines starting with "  - " (DEFAULT_ROLES by default) */
  roles?: string[];
  /**
   * lines under `admin.console:` (DEFAULT_CONSOLE by default), e.g. '    requireMfa: true'. Unless
   * they set signInAttempts, it is 50: every test signs in from 127.0.0.1, so the per-address
   * throttle would otherwise add up failures across the tests of a file.
   */
  console?: string[];
  /** start a SCIM application (scimmy) and add it as target `wiki` (options go to the fake) */
  scim?: boolean | ScimServerOptions;
  /** `targets:` entries beyond the SCIM one; `{scim}` is replaced by the SCIM server's URL, `{token}` by its token */
  targets?: string[];
  /** further top-level YAML lines (groups:, safety:, identity:, ...) */
  extra?: string[];
  /**
   * further keys of the hr source's flow mapping; by default `, safety: { maxRemovalPercent: 100 }`
   * so suspending one of a few people is not held (pass your own `safety:` to test held runs)
   */
  sourceExtra?: string;
  /** employee ids that get a TOTP secret (default E1, E2); every active person gets PASSWORD */
  totp?: string[];
}

function consoleLines(lines: string[]): string[] {
  return lines.some((l) => /^\s*signInAttempts:/.test(l)) ? lines : [...lines, '    signInAttempts: 50'];
}

/** Real time plus an offset tests can move: console sessions run on it, so idle timeouts need no waiting. */
export class ShiftedClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface Harness {
  /** http://127.0.0.1:<port> of the admin server (API and console) */
  url: string;
  daemon: Daemon;
  scim: ScimServer | null;
  browser: Browser;
  clock: ShiftedClock;
  dir: string;
  config: string;
  prefix: string;
  /** the admin API's bearer token */
  token: string;
  people: Person[];
  credentials: CredentialStore;
  /** the username idsync gave the person with this employee id */
  username(employeeId: string): Promise<string>;
  /** base32 TOTP secret of an enrolled person, by username */
  totpSecret(username: string): string | undefined;
  /** the current code for a secret, never one already used by this harness (codes are single-use) */
  code(secret: string): Promise<string>;
  /** a page in a fresh browser context (its own cookies); 1280x800 unless told */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  /** fills and submits the sign-in form; resolves after the answer page loaded */
  signIn(page: Page, username: string, password?: string, totpSecret?: string): Promise<void>;
  /** the CSRF token of the page loaded in `page` (its <meta name="csrf-token">) */
  csrfToken(page: Page): Promise<string>;
  /** audit records about the person with this employee id, optionally of one action, oldest first */
  audit(employeeId: string, action?: string): Promise<AuditRecord[]>;
  /** writes test-output/screenshots/<name>.png (full page) and returns the path */
  screenshot(page: Page, name: string): Promise<string>;
  /** rewrites the HR file and runs the source once; resolves when the LDAP view (and so the console) sees it */
  sync(people?: Person[]): Promise<void>;
  close(): Promise<void>;
}

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const people = opts.people ?? DEFAULT_PEOPLE;
  const scim = opts.scim ? await startScimServer(opts.scim === true ? {} : opts.scim) : null;
  const token = `console-admin-token-${Date.now()}`;
  const fill = (line: string) => (scim ? line.replace('{scim}', scim.url).replace('{token}', scim.token) : line);
  const targets = [...(scim ? [`  - { name: wiki, kind: scim, url: "${scim.url}", token: "${scim.token}" }`] : []), ...(opts.targets ?? []).map(fill)];
  const site = testConfig('console', (dir) => [
    'sources:',
    `  - { name: hr, kind: csv, path: ${join(dir, 'hr.csv')}, schedule: "0 0 1 1 *", settleSeconds: 0${opts.sourceExtra ?? ', safety: { maxRemovalPercent: 100 }'} }`,
    'ldap:',
    `  baseDN: ${BASE_DN}`,
    '  listen: [ "ldap://127.0.0.1:0" ]',
    'admin:',
    '  listen: tcp://127.0.0.1:0',
    `  token: ${token}`,
    '  console:',
    ...consoleLines(opts.console ?? DEFAULT_CONSOLE),
    'roles:',
    ...(opts.roles ?? DEFAULT_ROLES),
    ...(targets.length ? ['targets:', ...targets] : []),
    `audit: { sinks: [ { kind: file, path: ${join(dir, 'audit.jsonl')} } ] }`,
    ...(opts.extra ?? []),
    '',
  ]);
  const csv = join(site.dir, 'hr.csv');
  writeFileSync(csv, hrCsv(people));
  const clock = new ShiftedClock();
  const daemon = await startDaemon(site.config, { log: silentLogger, initialSync: false, consoleClock: clock });
  const closeAll: (() => Promise<unknown>)[] = [async () => scim?.close(), async () => { await deletePrefix(daemon.redis.client, site.prefix); return daemon.close(); }];
  try {
    await daemon.engine.runSource('hr');
    await daemon.viewCaughtUp();
    const credentials = await openCredentialStore(daemon.loaded.config, site.dir);
    closeAll.unshift(() => credentials.close());
    const username = async (employeeId: string) => {
      const found = await daemon.store.getIdentity({ by: 'employeeId', value: employeeId });
      if (!found) throw new Error(`no identity with employee id ${employeeId}`);
      return found.username;
    };
    const secrets = new Map<string, string>();
    for (const p of people.filter((x) => (x.status ?? 'active') !== 'terminated')) await setSecret(credentials, await username(p.id));
    for (const id of opts.totp ?? ['E1', 'E2']) {
      const u = await username(id);
      secrets.set(u.toLowerCase(), await enrol(credentials, u));
    }
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    closeAll.unshift(() => browser.close());
    const contexts: BrowserContext[] = [];
    const url = daemon.admin!.address.replace(/^tcp:\/\//, 'http://');
    const lastStep = new Map<string, number>();
    const code = async (secret: string): Promise<string> => {
      for (;;) {
        const now = timeStepAt(new Date());
        const used = lastStep.get(secret) ?? -Infinity;
        // the server accepts the step before and after the current one, each once
        const step = used < now ? now : used === now ? now + 1 : null;
        if (step !== null) {
          lastStep.set(secret, step);
          return totpCode(secret, step);
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    };
    const h: Harness = {
      url,
      daemon,
      scim,
      browser,
      clock,
      dir: site.dir,
      config: site.config,
      prefix: site.prefix,
      token,
      people,
      credentials,
      username,
      totpSecret: (u) => secrets.get(u.toLowerCase()),
      code,
      newPage: async (viewport = { width: 1280, height: 800 }) => {
        const context = await browser.newContext({ viewport, baseURL: url });
        contexts.push(context);
        return context.newPage();
      },
      signIn: async (page, user, password = PASSWORD, totpSecret = secrets.get(user.toLowerCase())) => {
        await page.goto(`${url}/sign-in`);
        await page.fill('#username', user);
        await page.fill('#password', password);
        if (totpSecret) await page.fill('#code', await code(totpSecret));
        const posted = page.waitForResponse((r) => new URL(r.url()).pathname === '/sign-in' && r.request().method() === 'POST');
        await page.click('form.sign-in button[type=submit]');
        await posted;
        await page.waitForLoadState('load');
      },
      csrfToken: async (page) => (await page.getAttribute('meta[name=csrf-token]', 'content')) ?? '',
      audit: async (employeeId, action) => {
        const identity = await daemon.store.getIdentity({ by: 'employeeId', value: employeeId });
        if (!identity) throw new Error(`no identity with employee id ${employeeId}`);
        return (await daemon.store.auditOfSubject(identity.id)).filter((a) => !action || a.action === action);
      },
      screenshot: async (page, name) => {
        mkdirSync(SCREENSHOTS, { recursive: true });
        const path = join(SCREENSHOTS, `${name}.png`);
        await page.screenshot({ path, fullPage: true });
        return path;
      },
      sync: async (next) => {
        if (next) writeFileSync(csv, hrCsv(next));
        await daemon.engine.runSource('hr');
        await daemon.viewCaughtUp();
      },
      close: async () => {
        for (const c of contexts) await c.close().catch(() => undefined);
        for (const step of closeAll) await step().catch(() => undefined);
      },
    };
    return h;
  } catch (err) {
    for (const step of closeAll) await step().catch(() => undefined);
    throw err;
  }
}

/** `idsync password set`'s own body, the password on its input. */
async function setSecret(credentials: CredentialStore, username: string): Promise<void> {
  await setPassword({ credentials, username, input: Readable.from([`${PASSWORD}\n`]) });
}

/** `idsync mfa enroll`'s own body; returns the secret it printed. */
async function enrol(credentials: CredentialStore, username: string): Promise<string> {
  const printed = await enrollMfa({ credentials, username });
  const secret = /^secret: (\S+)$/m.exec(printed)?.[1];
  if (!secret) throw new Error(`mfa enroll printed no secret for ${username}`);
  return secret;
}
