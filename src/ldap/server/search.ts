import { randomBytes } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { normalizeDN } from '../auth/dn';
import { FilterTooComplexError, SEARCH_CHECKPOINT, type DirectorySnapshot, type LdapEntry, type Scope, type SearchQuery } from '../contract';
import { children, readInt, readString, type Envelope } from './ber-read';
import { OP, pagedControlValue, searchEntry, type ResponseControl } from './ber-write';
import type { LdapConnection, OpContext } from './connection';
import { BATCH_BYTES, EntryBatch } from './entry-batch';
import { equalityFromBer } from './filter-fast';
import { checkFilterCaps } from './filter-guard';
import { boundedText, describeBytes } from './log-text';
import { OID, rootDse, SUBSCHEMA_DN } from './root-dse';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { BerReader } = require('@ldapjs/asn1') as { BerReader: new (b: Buffer) => unknown };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parseBer } = require('@ldapjs/filter') as { parseBer: (r: unknown) => { toString(): string } };

const SCOPES: Scope[] = ['base', 'one', 'sub'];
const YIELD_EVERY = 256;
/** candidates a sliced scan examines between two looks at the clock */
const CHECKPOINT_EVERY = 16;
/**
 * Longest run of one search before it yields to the event loop: other connections wait at most
 * about this long for one expensive search (an unsliced 100,000-entry scan with a 1,000-item filter
 * held every client for seconds).
 */
const SLICE_MS = 5;

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

/**
 * An entry iterator, possibly interleaved with SEARCH_CHECKPOINTs, that can put one entry back (to
 * tell whether another follows, for size limits and paging), with the encoder of its entries: the
 * snapshot's own (straight from records) or select + searchEntry.
 */
class Cursor {
  private held: unknown = undefined;
  constructor(
    private it: Iterator<unknown>,
    readonly encode: (entry: unknown, messageId: number) => Buffer,
    private readonly body?: (entry: unknown) => Buffer,
  ) {}
  /** the next entry or SEARCH_CHECKPOINT; undefined at the end */
  next(): unknown {
    if (this.held !== undefined) {
      const e = this.held;
      this.held = undefined;
      return e;
    }
    const r = this.it.next();
    return r.done ? undefined : r.value;
  }
  putBack(entry: unknown): void {
    this.held = entry;
  }
  /** Adds an entry's message to a batch, as a bare protocolOp when the snapshot encodes (and caches) those. */
  addTo(batch: EntryBatch, entry: unknown, messageId: number): void {
    if (this.body) batch.addBody(this.body(entry));
    else batch.addMessage(this.encode(entry, messageId));
  }
}

type MaybeAsync<T> = T | Promise<T>;
const then = <A, B>(x: MaybeAsync<A>, f: (a: A) => MaybeAsync<B>): MaybeAsync<B> => (x instanceof Promise ? x.then(f) : f(x));
/** What handleSearch returns when the search was answered before it returned. */
export const SEARCH_DONE = Promise.resolve();

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

/**
 * Runs a search. Everything that can finish at once does so synchronously, so a small result (an
 * entry and its searchDone) leaves in a single write; only long listings and slow readers go async.
 */
export function handleSearch(conn: LdapConnection, ctx: OpContext, pdu: Buffer, env: Envelope): Promise<void> {
  let req: SearchRequest | null = null;
  let outcome: MaybeAsync<Outcome>;
  try {
    req = parseSearch(pdu, env);
    outcome = runSearch(conn, ctx, req);
  } catch (err) {
    outcome = malformed(err as Error);
  }
  if (outcome instanceof Promise) return outcome.catch(malformed).then((o) => finishSearch(conn, ctx, req, o));
  finishSearch(conn, ctx, req, outcome);
  return SEARCH_DONE;
}

const malformed = (err: Error): Outcome => ({ code: 2, message: `malformed search request: ${err.message}`, entries: 0 });

function finishSearch(conn: LdapConnection, ctx: OpContext, req: SearchRequest | null, result: Outcome): void {
  let outcome = result;
  if (ctx.abandoned) outcome = { ...outcome, code: -1 };
  else conn.respond(ctx.messageId, OP.searchDone, { code: outcome.code, message: outcome.message }, outcome.controls);
  ctx.log.info(
    {
      req: ctx.requestId,
      op: 'search',
      msgid: ctx.messageId,
      bindDN: conn.session?.dn ?? '',
      base: boundedText(req?.base),
      scope: req?.scope,
      filter: boundedText(outcome.filter),
      code: outcome.code === -1 ? 'abandoned' : outcome.code,
      entries: outcome.entries,
      ms: +(performance.now() - ctx.startedAt).toFixed(2),
    },
    'search',
  );
}

function runSearch(conn: LdapConnection, ctx: OpContext, req: SearchRequest): MaybeAsync<Outcome> {
  const { config, model, view } = conn.deps;
  const snapshot = view.current();
  conn.recheckSession(snapshot);
  const nbase = normalizeDN(req.base);
  const rootOrSchema = req.scope === 'base' && (nbase === '' || nbase === SUBSCHEMA_DN.toLowerCase());
  // Refused before the filter is decoded: what an anonymous client may not ask costs it nothing to parse.
  if (!rootOrSchema && !conn.session && config.anonymous !== 'read') {
    return { code: 50, message: 'bind first: anonymous sessions may read only the rootDSE', entries: 0, filter: describeBytes(req.filterBer) };
  }
  try {
    checkFilterCaps(req.filterBer, { maxBytes: config.limits.filterMaxBytes, maxNodes: config.limits.filterMaxNodes });
  } catch (err) {
    return { code: 11, message: (err as Error).message, entries: 0, filter: describeBytes(req.filterBer) };
  }
  const fast = equalityFromBer(req.filterBer);
  const ldapFilter = fast ? null : parseBer(new BerReader(req.filterBer));
  const filterText = fast ? fast.text : ldapFilter!.toString();
  if (rootOrSchema) {
    const startTls = !!conn.deps.tlsContext() && config.tls?.startTls !== false && !conn.secure;
    const entry = nbase === '' ? rootDse(config.baseDN, startTls, conn.deps.vendorVersion) : snapshot.subschema();
    const cursor = new Cursor([entry][Symbol.iterator](), renderedEncoder(conn, req));
    return then(sendEntries(conn, ctx, cursor, 1, Infinity), () => ({ code: 0, entries: 1, filter: filterText }));
  }
  let filter;
  try {
    filter = fast ? fast.filter : model.compileFilter(ldapFilter, { maxDepth: config.limits.filterMaxDepth, maxNodes: config.limits.filterMaxNodes });
  } catch (err) {
    const code = err instanceof FilterTooComplexError ? 11 : 53;
    return { code, message: (err as Error).message, entries: 0, filter: filterText };
  }
  const query: SearchQuery = { base: req.base, scope: req.scope, filter };
  const paging = ctx.controls.find((c) => c.oid === OID.pagedResults);
  if (paging) return then(pagedSearch(conn, ctx, req, snapshot, query, paging.value), (o) => ({ ...o, filter: filterText }));
  const cursor = openCursor(conn, snapshot, query, req);
  if (!cursor) return { code: 32, message: `no such object: ${boundedText(req.base)}`, entries: 0, filter: filterText };
  const limit = effectiveSizeLimit(req.sizeLimit, config.limits.sizeLimit);
  return then(sendEntries(conn, ctx, cursor, limit, deadlineOf(req, config.limits.timeLimitSeconds, ctx)), (r) => ({ ...r, filter: filterText }));
}

/** The snapshot's own encoder when it has one (only the selected attributes are computed), else render + select. */
function openCursor(conn: LdapConnection, snapshot: DirectorySnapshot, query: SearchQuery, req: SearchRequest): Cursor | null {
  const selection = conn.deps.model.selection;
  if (snapshot.searchSliced && selection) {
    const found = snapshot.searchSliced(query, selection(req.attributes, req.typesOnly), CHECKPOINT_EVERY);
    return found ? new Cursor(found.entries[Symbol.iterator](), found.encode as Cursor['encode'], found.body as ((e: unknown) => Buffer) | undefined) : null;
  }
  if (snapshot.searchEncoded && selection) {
    const found = snapshot.searchEncoded(query, selection(req.attributes, req.typesOnly));
    return found ? new Cursor(found.entries[Symbol.iterator](), found.encode, found.body) : null;
  }
  const found = snapshot.search(query);
  return found ? new Cursor(found[Symbol.iterator](), renderedEncoder(conn, req)) : null;
}

function renderedEncoder(conn: LdapConnection, req: SearchRequest): Cursor['encode'] {
  const select = conn.deps.model.selectAttributes;
  return (entry, messageId) => {
    const e = entry as LdapEntry;
    return searchEntry(messageId, e.dn, select(e, req.attributes, req.typesOnly));
  };
}

function effectiveSizeLimit(client: number, server: number): number {
  const limits = [client, server].filter((n) => n > 0);
  return limits.length ? Math.min(...limits) : Infinity;
}

function deadlineOf(req: SearchRequest, serverSeconds: number, ctx: OpContext): number {
  const seconds = req.timeLimit > 0 ? Math.min(req.timeLimit, serverSeconds) : serverSeconds;
  return ctx.startedAt + seconds * 1000;
}

function pagedSearch(
  conn: LdapConnection,
  ctx: OpContext,
  req: SearchRequest,
  snapshot: DirectorySnapshot,
  query: SearchQuery,
  value: Buffer | null,
): MaybeAsync<Outcome> {
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
    const cursor = openCursor(conn, snapshot, query, req);
    if (!cursor) return { code: 32, message: `no such object: ${boundedText(req.base)}`, entries: 0 };
    state = { key, cursor, sent: 0 };
    if (ctl.size === 0) return { code: 0, entries: 0, controls: [pagedResponse(Buffer.alloc(0))] };
  }
  const clientLimit = req.sizeLimit > 0 ? req.sizeLimit - state.sent : Infinity;
  const pageSize = Math.min(ctl.size, clientLimit);
  const paged = state;
  const deadline = deadlineOf(req, conn.deps.config.limits.timeLimitSeconds, ctx);
  return then(sendEntries(conn, ctx, paged.cursor, pageSize, deadline), (r): Outcome => {
    paged.sent += r.entries;
    // sendEntries says 4 when the page is full and more follow; that is only a size limit when the
    // client's own sizeLimit, not the page size, cut the page short.
    const pageFull = r.code === 4 && pageSize === ctl.size;
    if ((r.code === 0 || pageFull) && r.more) {
      // A fresh cookie per page: a replayed or guessed cookie finds nothing.
      const next = cookieBytes();
      conn.paged.set(next.toString('hex'), paged);
      return { code: 0, entries: r.entries, controls: [pagedResponse(next)] };
    }
    return { ...r, controls: [pagedResponse(Buffer.alloc(0))] };
  });
}

const COOKIE_BYTES = 12;
let cookiePool = Buffer.alloc(0);
let cookiePoolAt = 0;

/** Fresh random cookie bytes, drawn from a pool: one call into the CSPRNG per 256 pages, not per page. */
function cookieBytes(): Buffer {
  if (cookiePoolAt + COOKIE_BYTES > cookiePool.length) {
    cookiePool = randomBytes(COOKIE_BYTES * 256);
    cookiePoolAt = 0;
  }
  const cookie = Buffer.from(cookiePool.subarray(cookiePoolAt, cookiePoolAt + COOKIE_BYTES));
  // Spent bytes are wiped, so the pool never holds a cookie already handed out.
  cookiePool.fill(0, cookiePoolAt, cookiePoolAt + COOKIE_BYTES);
  cookiePoolAt += COOKIE_BYTES;
  return cookie;
}

function pagedResponse(cookie: Buffer): ResponseControl {
  return { oid: OID.pagedResults, value: pagedControlValue(0, cookie) };
}

interface SendResult {
  code: number;
  entries: number;
  message?: string;
  /** another entry follows (the cursor holds it) */
  more?: boolean;
}

/**
 * Streams up to `limit` entries. Answers 4 when more would follow, 3 past the deadline; waits for
 * the socket to drain when the client reads slowly and yields to the event loop every SLICE_MS of
 * work (sending or scanning), so an abandon and every other connection get their turn during a long
 * or expensive search. Synchronous until the first such pause.
 */
function sendEntries(conn: LdapConnection, ctx: OpContext, cursor: Cursor, limit: number, deadline: number): MaybeAsync<SendResult> {
  const first = sendRun(conn, ctx, cursor, limit, 0);
  return 'code' in first ? first : continueSending(conn, ctx, cursor, limit, deadline, first);
}

async function continueSending(
  conn: LdapConnection,
  ctx: OpContext,
  cursor: Cursor,
  limit: number,
  deadline: number,
  paused: { sent: number; ok: boolean },
): Promise<SendResult> {
  let p = paused;
  for (;;) {
    if (p.ok) await yieldToLoop();
    else await conn.drained();
    if (performance.now() > deadline) return { code: 3, entries: p.sent, message: 'time limit exceeded' };
    const r = sendRun(conn, ctx, cursor, limit, p.sent);
    if ('code' in r) return r;
    p = r;
  }
}

/**
 * Sends entries until the end, the limit, a full socket buffer or the end of this slice. Entries are
 * gathered into batches written as one Buffer each; everything gathered is written before it returns.
 */
function sendRun(conn: LdapConnection, ctx: OpContext, cursor: Cursor, limit: number, already: number): SendResult | { sent: number; ok: boolean } {
  const batch = new EntryBatch(ctx.messageId);
  let result: SendResult | { sent: number; ok: boolean } | undefined;
  try {
    result = gather(conn, ctx, cursor, batch, limit, already);
  } finally {
    // Also after a throw: the entries already gathered leave, as they did when each was written at once.
    const rest = batch.take();
    const ok = rest ? conn.send(rest) : true;
    if (result && 'ok' in result && !ok) result = { sent: result.sent, ok };
  }
  return result;
}

function gather(conn: LdapConnection, ctx: OpContext, cursor: Cursor, batch: EntryBatch, limit: number, already: number): SendResult | { sent: number; ok: boolean } {
  const sliceEnd = performance.now() + SLICE_MS;
  let sent = already;
  for (;;) {
    if (ctx.abandoned) return { code: 0, entries: sent };
    const entry = cursor.next();
    if (entry === undefined) return { code: 0, entries: sent };
    if (entry === SEARCH_CHECKPOINT) {
      if (performance.now() > sliceEnd) return { sent, ok: true };
      continue;
    }
    if (sent >= limit) {
      cursor.putBack(entry);
      return { code: 4, entries: sent, message: 'size limit exceeded', more: true };
    }
    cursor.addTo(batch, entry, ctx.messageId);
    sent++;
    if (batch.bytes >= BATCH_BYTES) {
      const ok = conn.send(batch.take()!);
      conn.flush();
      if (!ok) return { sent, ok: false };
    }
    if (sent % YIELD_EVERY === 0) return { sent, ok: true };
  }
}
