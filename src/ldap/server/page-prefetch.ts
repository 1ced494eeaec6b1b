// The next page of a paged search, framed while the client is still reading the previous one.
// Paging clients (ldapsearch -E pr=, nslcd, sssd, python-ldap) ask for page n+1 only once page n is
// parsed, and the server sat idle in between; then, under load, it was often descheduled halfway
// through producing the page, and the client waited mid-page. Prepared ahead, a page leaves in one
// write as soon as its request arrives, and the scan, filter and framing run in otherwise idle time.
import { intContentLength, putInt } from '../ber/entry-writer';
import { SEARCH_CHECKPOINT } from '../contract';
import type { LdapConnection } from './connection';
import { SLICE_MS, YIELD_EVERY, type Cursor } from './cursor';
import { EntryBatch } from './entry-batch';

/**
 * Bytes one prepared page may hold; the rest of a bigger page is produced on request as before.
 * As much as a connection may already queue in user space (SEND_BUFFER_BYTES), so preparing ahead
 * does not change how much memory one client can make the server hold.
 */
export const PREPARED_MAX_BYTES = 256 * 1024;

/** A paged search in progress: bound to its connection (it lives in conn.paged) and to its query. */
export interface PagedSearch {
  key: string;
  cursor: Cursor;
  sent: number;
  prepared?: PreparedPage;
}

interface PreparedPage {
  /** the message id the frames carry: the last page's plus one, which is what clients send next */
  messageId: number;
  /** entries wanted (the last page's size) */
  target: number;
  /** the entries taken from the cursor, in order, to give back when the page cannot be used */
  entries: unknown[];
  batch: EntryBatch;
  /** the framed entries, once preparing stopped */
  framed: Buffer | null;
  /** preparing stopped: page full, byte cap, end of results, or the request came */
  stopped: boolean;
}

/** The one paged search per connection holding a prepared page: a client cannot make the server hold more. */
const holders = new WeakMap<LdapConnection, PagedSearch>();

/**
 * Starts preparing the page after the one just sent. Runs in slices after the current tick, so
 * the page just sent (and its searchDone) leaves first and other connections keep their turns.
 */
export function prepareNextPage(conn: LdapConnection, paged: PagedSearch, lastMessageId: number, pageSize: number): void {
  const previous = holders.get(conn);
  if (previous && previous !== paged) discardPrepared(previous);
  const page: PreparedPage = { messageId: lastMessageId + 1, target: pageSize, entries: [], batch: new EntryBatch(lastMessageId + 1), framed: null, stopped: false };
  paged.prepared = page;
  holders.set(conn, paged);
  setImmediate(() => prepareSlice(conn, paged, page));
}

function prepareSlice(conn: LdapConnection, paged: PagedSearch, page: PreparedPage): void {
  if (page.stopped) return;
  if (conn.isClosed) {
    page.stopped = true;
    return;
  }
  const sliceEnd = performance.now() + SLICE_MS;
  let gathered = 0;
  for (;;) {
    if (page.entries.length >= page.target || page.batch.bytes >= PREPARED_MAX_BYTES) return stop(page);
    const entry = paged.cursor.next();
    if (entry === undefined) return stop(page);
    if (entry === SEARCH_CHECKPOINT) {
      if (performance.now() > sliceEnd) break;
      continue;
    }
    page.entries.push(entry);
    paged.cursor.addTo(page.batch, entry, page.messageId);
    if (++gathered >= YIELD_EVERY) break;
  }
  setImmediate(() => prepareSlice(conn, paged, page));
}

function stop(page: PreparedPage): void {
  page.stopped = true;
  page.framed ??= page.batch.take();
}

/**
 * The prepared entries of this paged search as framed bytes for a request with `messageId` wanting
 * at most `pageSize` entries, with how many they are; null when nothing usable was prepared (what was
 * prepared then goes back to the cursor, so the page is produced on request exactly as before).
 */
export function takePrepared(conn: LdapConnection, paged: PagedSearch, messageId: number, pageSize: number): { framed: Buffer; count: number } | null {
  const page = paged.prepared;
  if (!page) return null;
  paged.prepared = undefined;
  if (holders.get(conn) === paged) holders.delete(conn);
  stop(page);
  const count = page.entries.length;
  if (count === 0 || !page.framed) return null;
  // A smaller page (a client sizeLimit, or a client that changes its page size) or a message id of
  // another encoded length: the frames do not fit, the entries do.
  if (count > pageSize || intContentLength(messageId) !== intContentLength(page.messageId)) {
    paged.cursor.giveBack(page.entries);
    return null;
  }
  if (messageId !== page.messageId) patchMessageIds(page.framed, count, messageId);
  return { framed: page.framed, count };
}

/** Drops a prepared page (its entries go back to the cursor): the search is cancelled or another one prepares. */
export function discardPrepared(paged: PagedSearch): void {
  const page = paged.prepared;
  if (!page) return;
  paged.prepared = undefined;
  page.stopped = true;
  if (page.entries.length > 0) paged.cursor.giveBack(page.entries);
}

/**
 * Rewrites the message id of `count` consecutive LDAPMessages in place, when the new id has the
 * encoded length of the old one: `30 len 02 n id...` per message.
 */
function patchMessageIds(buf: Buffer, count: number, messageId: number): void {
  let at = 0;
  for (let i = 0; i < count; i++) {
    let p = at + 1;
    const first = buf[p++];
    let len = first;
    if (first & 0x80) {
      len = 0;
      for (let k = first & 0x7f; k > 0; k--) len = len * 256 + buf[p++];
    }
    putInt(buf, p, messageId);
    at = p + len;
  }
}
