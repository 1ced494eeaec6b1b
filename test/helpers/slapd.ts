// Starts a private OpenLDAP slapd (Debian package) on a free loopback port with its own config and
// data directory, for tests and benchmarks that need a real LDAP peer. Never touches the system slapd.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { within } from '../../src/util/time';

export interface SlapdOptions {
  suffix?: string;
  rootPassword?: string;
  /** extra schema files from /etc/ldap/schema (core, cosine, inetorgperson, nis are always loaded) */
  extraSchemas?: string[];
  /** attribute index lines, e.g. ["uid eq", "mail eq,sub"] */
  indexes?: string[];
  /** overlays to load, e.g. ["memberof"] */
  overlays?: string[];
  sizeLimit?: number | 'unlimited';
}

export interface Slapd {
  url: string;
  port: number;
  suffix: string;
  rootDN: string;
  rootPassword: string;
  dir: string;
  stop(): Promise<void>;
}

export const SLAPD_BIN = process.env.SLAPD_BIN ?? '/usr/sbin/slapd';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

function slapdConf(dir: string, o: Required<Omit<SlapdOptions, 'extraSchemas' | 'overlays'>> & SlapdOptions): string {
  const schemas = ['core', 'cosine', 'inetorgperson', 'nis', ...(o.extraSchemas ?? [])];
  const overlays = o.overlays ?? [];
  return [
    ...schemas.map((s) => `include /etc/ldap/schema/${s}.schema`),
    `pidfile ${join(dir, 'slapd.pid')}`,
    `argsfile ${join(dir, 'slapd.args')}`,
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    ...overlays.map((ov) => `moduleload ${ov}`),
    `sizelimit ${o.sizeLimit}`,
    'database mdb',
    'maxsize 1073741824',
    `suffix "${o.suffix}"`,
    `rootdn "cn=admin,${o.suffix}"`,
    `rootpw ${o.rootPassword}`,
    `directory ${join(dir, 'data')}`,
    'index objectClass eq',
    ...o.indexes.map((i) => `index ${i}`),
    ...overlays.map((ov) => `overlay ${ov}`),
    'access to * by * read',
    '',
  ].join('\n');
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`slapd exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`slapd did not listen on port ${port} within ${timeoutMs} ms`);
}

export async function startSlapd(options: SlapdOptions = {}): Promise<Slapd> {
  const suffix = options.suffix ?? 'dc=example,dc=com';
  const rootPassword = options.rootPassword ?? 'secret';
  const dir = mkdtempSync(join(tmpdir(), 'idsync-slapd-'));
  mkdirSync(join(dir, 'data'));
  const conf = slapdConf(dir, {
    suffix,
    rootPassword,
    indexes: options.indexes ?? [],
    sizeLimit: options.sizeLimit ?? 'unlimited',
    ...options,
  });
  writeFileSync(join(dir, 'slapd.conf'), conf);
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  // -d 0 keeps slapd in the foreground so it dies with us and we own its lifetime.
  const child = spawn(SLAPD_BIN, ['-f', join(dir, 'slapd.conf'), '-h', `${url}/`, '-d', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  try {
    await waitForPort(port, child, 10000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}: ${stderr.slice(-2000)}`);
  }
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await within(exited, 3000);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, port, suffix, rootDN: `cn=admin,${suffix}`, rootPassword, dir, stop };
}
