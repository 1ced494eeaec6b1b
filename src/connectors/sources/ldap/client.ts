// ldapts connection for one read: TLS (ldaps:// or StartTLS, optional CA file), bind, and paged
// search (RFC 2696) that follows the cookie to the end and says which page failed.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { Client, ResultCodeError } from 'ldapts';
import type { LdapSourceConfig } from './config';
import type { Entry } from './entries';

/** A search that did not deliver every page; `page` is 1-based. */
export class PageError extends Error {
  constructor(readonly what: string, readonly page: number, cause: unknown) {
    super(`${what}: page ${page} failed: ${describe(cause)}`);
    this.name = 'PageError';
  }
}

export function describe(err: unknown): string {
  if (err instanceof ResultCodeError) return `LDAP result ${err.code} (${err.name}): ${err.message}`;
  const e = err as Error & { code?: unknown };
  return `${e?.message ?? String(err)}${typeof e?.code === 'string' ? ` (${e.code})` : ''}`;
}

export async function connect(cfg: LdapSourceConfig, baseDir: string): Promise<Client> {
  const tlsOptions = tlsOf(cfg, baseDir);
  const client = new Client({ url: cfg.url, timeout: cfg.timeoutMs, connectTimeout: cfg.timeoutMs, ...(cfg.url.startsWith('ldaps://') && tlsOptions ? { tlsOptions } : {}) });
  try {
    if (cfg.startTls) await client.startTLS(tlsOptions ?? {});
    await client.bind(cfg.bindDN, cfg.bindPassword ?? '');
  } catch (err) {
    await client.unbind().catch(() => undefined);
    throw new Error(`cannot bind to ${cfg.url} as ${cfg.bindDN}: ${describe(err)}`);
  }
  return client;
}

function tlsOf(cfg: LdapSourceConfig, baseDir: string): ConnectionOptions | undefined {
  const caFile = cfg.tls?.caFile;
  if (!caFile) return undefined;
  return { ca: readFileSync(isAbsolute(caFile) ? caFile : resolve(baseDir, caFile)) };
}

export interface PagedQuery {
  base: string;
  filter: string;
  attributes: string[];
  pageSize: number;
  /** returned as Buffers (binary ids such as objectGUID) */
  binary?: string[];
}

/** Every entry of a subtree search, page by page; an error on page N throws PageError(N). */
export async function* pagedSearch(client: Client, q: PagedQuery, what: string): AsyncGenerator<Entry[]> {
  let page = 1;
  try {
    const pages = client.searchPaginated(q.base, { scope: 'sub', filter: q.filter, attributes: q.attributes, explicitBufferAttributes: q.binary ?? [], paged: { pageSize: q.pageSize } });
    for await (const result of pages) {
      yield result.searchEntries as Entry[];
      page += 1;
    }
  } catch (err) {
    throw new PageError(what, page, err);
  }
}

export interface DomainController {
  /** identifies the DC whose USNs the watermark holds; USNs mean nothing on another DC */
  id: string;
  highestCommittedUSN: number | null;
}

/** AD rootDSE: dnsHostName + the NTDS Settings object's invocationId, and the DC's highest USN. */
export async function readDomainController(client: Client): Promise<DomainController> {
  const { searchEntries } = await client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['dnsHostName', 'dsServiceName', 'highestCommittedUSN'] });
  const root = searchEntries[0] ?? { dn: '' };
  const host = String(root.dnsHostName ?? '');
  const service = String(root.dsServiceName ?? '');
  let invocationId = '';
  if (service) {
    const ntds = await client.search(service, { scope: 'base', filter: '(objectClass=*)', attributes: ['invocationId'], explicitBufferAttributes: ['invocationId'] }).catch(() => null);
    const raw = ntds?.searchEntries[0]?.invocationId;
    if (Buffer.isBuffer(raw)) invocationId = raw.toString('hex');
  }
  const usn = Number(root.highestCommittedUSN);
  return { id: `${invocationId}@${host}`, highestCommittedUSN: Number.isFinite(usn) && root.highestCommittedUSN !== undefined ? usn : null };
}
