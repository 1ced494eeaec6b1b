// Apache httpd (Debian's apache2) with its own configuration file, ServerRoot, PidFile and logs in
// a temp dir and a free port: a real mod_authnz_ldap client for the LDAP frontend. Started and
// stopped by the test; nothing of the system's apache2 configuration is read.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './slapd';
import { until } from './process';

export const APACHE_BIN = process.env.APACHE_BIN ?? '/usr/sbin/apache2';
const MODULES = '/usr/lib/apache2/modules';

export interface Apache {
  url: string;
  errorLog(): string;
  stop(): Promise<void>;
}

export interface ApacheOptions {
  /** directives inside <Location /protected>; the page there answers "protected" */
  protectedLocation: string[];
  /** directives at server level (LDAP cache settings and the like) */
  server?: string[];
}

const LOAD = ['mpm_prefork', 'authn_core', 'authz_core', 'auth_basic', 'ldap', 'authnz_ldap', 'dir'];

export async function startApache(o: ApacheOptions): Promise<Apache> {
  const dir = mkdtempSync(join(tmpdir(), 'idsync-apache-'));
  const docs = join(dir, 'htdocs');
  mkdirSync(join(docs, 'protected'), { recursive: true });
  writeFileSync(join(docs, 'protected', 'index.html'), 'protected\n');
  // Run as root, httpd's children switch to www-data and must still read the pages.
  for (const p of [dir, docs, join(docs, 'protected')]) chmodSync(p, 0o755);
  chmodSync(join(docs, 'protected', 'index.html'), 0o644);
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  const conf = [
    `ServerRoot "${dir}"`,
    `DefaultRuntimeDir "${dir}"`,
    `PidFile "${join(dir, 'httpd.pid')}"`,
    `ErrorLog "${join(dir, 'error.log')}"`,
    'LogLevel warn authnz_ldap:debug ldap:info',
    `Mutex file:${dir} default`,
    `Listen 127.0.0.1:${port}`,
    'ServerName 127.0.0.1',
    ...LOAD.map((m) => `LoadModule ${m}_module ${MODULES}/mod_${m}.so`),
    ...(asRoot ? ['User www-data', 'Group www-data'] : []),
    'StartServers 1',
    'MinSpareServers 1',
    'MaxSpareServers 2',
    `DocumentRoot "${docs}"`,
    'DirectoryIndex index.html',
    ...(o.server ?? []),
    '<Location /protected>',
    ...o.protectedLocation.map((l) => `  ${l}`),
    '</Location>',
    '',
  ].join('\n');
  const confFile = join(dir, 'httpd.conf');
  writeFileSync(confFile, conf);
  // Its own process group: on shutdown httpd signals its whole group, which must not be jest's.
  const child: ChildProcess = spawn(APACHE_BIN, ['-f', confFile, '-DFOREGROUND'], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const errorLog = (): string => {
    try {
      return readFileSync(join(dir, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };
  try {
    await until(async () => {
      if (child.exitCode !== null) throw new Error(`apache2 exited with ${child.exitCode}: ${stderr}${errorLog()}`);
      return (await fetch(`${url}/`).catch(() => null)) ? true : undefined;
    }, 15000);
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url,
    errorLog,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** GET with HTTP Basic credentials; the status code. */
export async function getWithBasicAuth(url: string, user: string, password: string): Promise<number> {
  const res = await fetch(url, { headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` } });
  await res.arrayBuffer();
  return res.status;
}
