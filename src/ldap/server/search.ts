import { randomBytes } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { normalizeDN } from '../auth/dn';
import { FilterTooComplexError, type DirectorySnapshot, type LdapEntry, type Scope } from '../contract';
import { children, readInt, readString, type Envelope } from './ber-read';
import { OP, pagedControlValue, searchEntry, type ResponseControl } from './ber-write';
import type { LdapConnection, OpContext } from './connection';
import { OID, rootDse, SUBSCHEMA_DN } from './root-dse';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { BerReader } = require('@ldapjs/asn1') as { BerReader: new (b: Buffer) => unknown };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parseBer } = require('@ldapjs/filter') as { parseBer: (r: unknown) => { toString(): string } };

const SCOPES: Scope[] = ['base', 'one', 'sub'];
const YIELD_EVERY = 256;

interface SearchRequest {
  base: string;
  scope: Scope;
  sizeLimit: number;
  timeLimit: number;
  typesOnly: boolean;
  filterBer: Buffer;
  attributes: string[];
}

/** A paged search in progress: bound to its connection (it lives in conn.paged) and to its query. */
export interface PagedSearch {
  key: string;
  cursor: Cursor;
  sent: number;
}

/** An entry iterator that can tell whether another entry follows (for size limits and paging). */
class Cursor {
  private peeked: IteratorResult<LdapEntry> | null = null;
  constructor(private it: Iterator<LdapEntry>) {}
  next(): LdapEntry | undefined {
    const r = this.peeked ?? this.it.next();
    this.peeked = null;
    return r.done ? undefined : r.value;
  }
  hasMore(): boolean {
    this.peeked ??= this.it.next();
    return !this.peeked.done;
  }
}

function parseSearch(pdu: Buffer, env: Envelope): SearchRequest {
  const f = children(pdu, env.op);
  if (f.length < 8) throw new Error('search request is missing fields');
  const scope = SCOPES[readInt(pdu, f[1])];
  if (!scope) throw new Error('unknown search scope');
  return {
    base: readString(pdu, f[0]),
    scope,
    sizeLimit: readInt(pdu, f[3]),
    timeLimit: readInt(pdu, f[4]),
    typesOnly: pdu[f[5].start] !== 0,
    filterBer: pdu.subarray(f[6].at, f[6].end),
    attributes: children(pdu, f[7]).map((a) => readString(pdu, a)),
  };
}

function parsePagedControl(value: Buffer | null): { size: number; cookie: Buffer } | null {
  if (!value) return null;
  const seq = { tag: 0, at: 0, start: 0, end: value.length };
  const [outer] = children(value, seq);
  if (!outer) return null;
  const [size, cookie] = children(value, outer);
  if (!size || !cookie) return null;
  return { size: readInt(value, size), cookie: value.subarray(cookie.start, cookie.end) };
}

interface Outcome {
  code: number;
  message?: string;
  entries: number;
  controls?: ResponseControl[];
  filter?: string;
}

export async function handleSearch(conn: LdapConnection, ctx: OpContext, pdu: Buffer, env: Envelope): Promise<void> {
  let req: SearchRequest | null = null;
  let outcome: Outcome;
  try {
    req = parseSearch(pdu, env);
    outcome = await runSearch(conn, ctx, req);
  } catch (err) {
    outcome = { code: 2, message: `malformed search request: ${(err as Error).message}`, entries: 0 };
  }
  if (ctx.abandoned) outcome = { ...outcome, code: -1 };
  else conn.respond(ctx.messageId, OP.searchDone, { code: outcome.code, message: outcome.message }, outcome.controls);
  ctx.log.info(
    {
      req: ctx.requestId,
      op: 'search',
      msgid: ctx.messageId,
      bindDN: conn.session?.dn ?? '',
      base: req?.base,
      scope: req?.scope,
      filter: outcome.filter,
      code: outcome.code === -1 ? 'abandoned' : outcome.code,
      entries: outcome.entries,
      ms: +(performance.now() - ctx.startedAt).toFixed(2),
    },
    'search',
  );
}

async function runSearch(conn: LdapConnection, ctx: OpContext, req: SearchRequest): Promise<Outcome> {
  const { config, model, view } = conn.deps;
  const ldapFilter = parseBer(new BerReader(req.filterBer));
  const filterText = ldapFilter.toString();
  const snapshot = view.current();
  conn.recheckSession(snapshot);
  const nbase = normalizeDN(req.base);
  if (req.scope === 'base' && (nbase === '' || nbase === SUBSCHEMA_DN.toLowerCase())) {
    const startTls = !!conn.deps.tlsContext() && config.tls?.startTls !== false && !conn.secure;
    const entry = nbase === '' ? rootDse(config.baseDN, startTls, conn.deps.vendorVersion) : snapshot.subschema();
    await sendEntries(conn, ctx, req, new Cursor([entry][Symbol.iterator]()), 1, Infinity);
    return { code: 0, entries: 1, filter: filterText };
  }
  if (!conn.session && config.anonymous !== 'read') {
    return { code: 50, message: 'bind first: anonymous sessions may read only the rootDSE', entries: 0, filter: filterText };
  }
  let filter;
  try {
    filter = model.compileFilter(ldapFilter, { maxDepth: config.limits.filterMaxDepth, maxNodes: config.limits.filterMaxNodes });
  } catch (err) {
    const code = err instanceof FilterTooComplexError ? 11 : 53;
    return { code, message: (err as Error).message, entries: 0, filter: filterText };
  }
  const paging = ctx.controls.find((c) => c.oid === OID.pagedResults);
  if (paging) return { ...(await pagedSearch(conn, ctx, req, snapshot, filter, paging.value)), filter: filterText };
  const found = snapshot.search({ base: req.base, scope: req.scope, filter });
  if (!found) return { code: 32, message: `no such object: ${req.base}`, entries: 0, filter: filterText };
  const limit = effectiveSizeLimit(req.sizeLimit, config.limits.sizeLimit);
  const cursor = new Cursor(found[Symbol.iterator]());
  const r = await sendEntries(conn, ctx, req, cursor, limit, deadlineOf(req, config.limits.timeLimitSeconds, ctx));
  return { ...r, filter: filterText };
}

function effectiveSizeLimit(client: number, server: number): number {
  const limits = [client, server].filter((n) => n > 0);
  return limits.length ? Math.min(...limits) : Infinity;
}

function deadlineOf(req: SearchRequest, serverSeconds: number, ctx: OpContext): number {
  const seconds = req.timeLimit > 0 ? Math.min(req.timeLimit, serverSeconds) : serverSeconds;
  return ctx.startedAt + seconds * 1000;
}

async function pagedSearch(
  conn: LdapConnection,
  ctx: OpContext,
  req: SearchRequest,
  snapshot: DirectorySnapshot,
  filter: import('../contract').DirFilter,
  value: Buffer | null,
): Promise<Outcome> {
  const ctl = parsePagedControl(value);
  if (!ctl) return { code: 2, message: 'paged results control without a valid value', entries: 0 };
  const key = `${normalizeDN(req.base)}\0${req.scope}\0${req.filterBer.toString('base64')}\0${req.attributes.join(',').toLowerCase()}\0${req.typesOnly}`;
  const cookieId = ctl.cookie.toString('hex');
  let state: PagedSearch | undefined;
  if (cookieId) {
    state = conn.paged.get(cookieId);
    if (!state || state.key !== key) return { code: 53, message: 'paged results cookie is invalid or belongs to another search', entries: 0 };
    conn.paged.delete(cookieId);
    if (ctl.size === 0) return { code: 0, entries: 0, controls: [pagedResponse(Buffer.alloc(0))] };
  } else {
    if (conn.paged.size >= conn.deps.config.limits.maxPagedSearchesPerConnection) {
      return { code: 11, message: 'too many paged searches open on this connection', entries: 0 };
    }
    const found = snapshot.search({ base: req.base, scope: req.scope, filter });
    if (!found) return { code: 32, message: `no such object: ${req.base}`, entries: 0 };
    state = { key, cursor: new Cursor(found[Symbol.iterator]()), sent: 0 };
    if (ctl.size === 0) return { code: 0, entries: 0, controls: [pagedResponse(Buffer.alloc(0))] };
  }
  const clientLimit = req.sizeLimit > 0 ? req.sizeLimit - state.sent : Infinity;
  const pageSize = Math.min(ctl.size, clientLimit);
  const r = await sendEntries(conn, ctx, req, state.cursor, pageSize, deadlineOf(req, conn.deps.config.limits.timeLimitSeconds, ctx));
  state.sent += r.entries;
  // sendEntries says 4 when the page is full and more follow; that is only a size limit when the
  // client's own sizeLimit, not the page size, cut the page short.
  const pageFull = r.code === 4 && pageSize === ctl.size;
  if ((r.code === 0 || pageFull) && state.cursor.hasMore()) {
    // A fresh cookie per page: a replayed or guessed cookie finds nothing.
    const next = randomBytes(12);
    conn.paged.set(next.toString('hex'), state);
    return { code: 0, entries: r.entries, controls: [pagedResponse(next)] };
  }
  return { ...r, controls: [pagedResponse(Buffer.alloc(0))] };
}

function pagedResponse(cookie: Buffer): ResponseControl {
  return { oid: OID.pagedResults, value: pagedControlValue(0, cookie) };
}

/**
 * Streams up to `limit` entries. Answers 4 when more would follow, 3 past the deadline; waits for
 * the socket to drain when the client reads slowly and yields to the event loop now and then so an
 * abandon (or any other connection) gets its turn during a long listing.
 */
async function sendEntries(
  conn: LdapConnection,
  ctx: OpContext,
  req: SearchRequest,
  cursor: Cursor,
  limit: number,
  deadline: number,
): Promise<{ code: number; entries: number; message?: string }> {
  const select = conn.deps.model.selectAttributes;
  let sent = 0;
  while (sent < limit) {
    if (ctx.abandoned) return { code: 0, entries: sent };
    const entry = cursor.next();
    if (!entry) return { code: 0, entries: sent };
    const ok = conn.send(searchEntry(ctx.messageId, entry.dn, select(entry, req.attributes, req.typesOnly)));
    sent++;
    if (!ok) await conn.drained();
    if (!ok || sent % YIELD_EVERY === 0) {
      if (ok) await yieldToLoop();
      if (performance.now() > deadline) return { code: 3, entries: sent, message: 'time limit exceeded' };
    }
  }
  if (cursor.hasMore()) return { code: 4, entries: sent, message: 'size limit exceeded' };
  return { code: 0, entries: sent };
}
