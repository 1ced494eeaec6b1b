// Paged searches (RFC 2696) over raw sockets, so each request's message id, page size and cookie are
// the test's own: every entry exactly once and in order, under the request's message id, whatever
// the client does between pages (other ids, other page sizes, a size limit, a new snapshot, another
// paged search on the same connection, a cancel).
import { children, readEnvelope } from '../../src/ldap/server/ber-read';
import { integer, octets, tlv } from '../../src/ldap/server/ber-write';
import { person } from '../fixtures/ldap/people';
import { control, eqFilter, presentFilter, RawClient, search, simpleBind, type RawResponse } from '../fixtures/ldap/raw-client';
import { APP_DN, APP_PW, BASE, startTestServer, type TestServer } from '../fixtures/ldap/server-fixture';

const PEOPLE_DN = `ou=people,${BASE}`;
const PAGED = '1.2.840.113556.1.4.319';
const people = Array.from({ length: 1200 }, (_, i) => person(`user${String(i).padStart(4, '0')}`, 10000 + i));
const allDns = people.map((p) => `uid=${p.username},${PEOPLE_DN}`);
/** a client that reads between pages: the server is idle in between */
const readingPause = (): Promise<void> => new Promise((r) => setTimeout(r, 60));

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer({ identities: people });
});
afterAll(async () => srv.close());

interface Page {
  dns: string[];
  ids: number[];
  cookie: Buffer;
  code: number;
}

/** The cookie inside the paged-results response control of a searchResultDone (none on an error). */
function cookieOf(done: RawResponse): Buffer {
  const ctl = readEnvelope(done.pdu).controls.find((c) => c.oid === PAGED);
  if (!ctl?.value) return Buffer.alloc(0);
  const [seq] = children(ctl.value, { tag: 0, at: 0, start: 0, end: ctl.value.length });
  const [, cookie] = children(ctl.value, seq);
  return Buffer.from(ctl.value.subarray(cookie.start, cookie.end));
}

async function page(c: RawClient, id: number, size: number, cookie: Buffer, filter = presentFilter('objectClass'), sizeLimit = 0): Promise<Page> {
  const value = tlv(0x30, [integer(size), octets(cookie)]);
  c.send(search(id, PEOPLE_DN, 1, filter, ['uid'], { sizeLimit, controls: [control(PAGED, false, value)] }));
  const all = await c.collect(0x65);
  const done = all.pop()!;
  expect(done.messageId).toBe(id);
  return { dns: all.map((e) => e.value), ids: all.map((e) => e.messageId), cookie: cookieOf(done), code: done.code! };
}

async function bound(): Promise<RawClient> {
  const c = await RawClient.open(srv.url);
  c.send(simpleBind(1, APP_DN, APP_PW));
  expect((await c.next())!.code).toBe(0);
  return c;
}

it('sends every entry once, in order, under each request own message id, when ids skip and cross 127', async () => {
  const c = await bound();
  const ids = [2, 3, 7, 126, 127, 128, 129, 300, 301, 40000, 40001, 40002];
  const got: string[] = [];
  let cookie: Buffer = Buffer.alloc(0);
  for (const id of ids) {
    const p = await page(c, id, 100, cookie);
    expect(new Set(p.ids)).toEqual(new Set(p.dns.length ? [id] : []));
    got.push(...p.dns);
    cookie = p.cookie;
    if (cookie.length === 0) break;
    await readingPause();
  }
  expect(got).toEqual(allDns);
  expect(cookie.length).toBe(0);
  c.close();
});

it('follows the client when it changes its page size between pages', async () => {
  const c = await bound();
  const sizes = [100, 40, 250, 1, 500, 300];
  const got: string[] = [];
  let cookie: Buffer = Buffer.alloc(0);
  for (let i = 0; i < sizes.length; i++) {
    const p = await page(c, 2 + i, sizes[i], cookie);
    expect(p.dns).toHaveLength(Math.min(sizes[i], allDns.length - got.length));
    got.push(...p.dns);
    cookie = p.cookie;
    await readingPause();
  }
  expect(got).toEqual(allDns.slice(0, got.length));
  expect(got).toHaveLength(1191);
  c.close();
});

it('stops at the client sizeLimit in the middle of a page', async () => {
  const c = await bound();
  const first = await page(c, 2, 100, Buffer.alloc(0), presentFilter('objectClass'), 150);
  expect(first.dns).toEqual(allDns.slice(0, 100));
  await readingPause();
  const second = await page(c, 3, 100, first.cookie, presentFilter('objectClass'), 150);
  expect(second.dns).toEqual(allDns.slice(100, 150));
  expect(second.code).toBe(4);
  expect(second.cookie.length).toBe(0);
  c.close();
});

it('finishes a listing on the snapshot it started on, while a new search sees the new one', async () => {
  const c = await bound();
  const first = await page(c, 2, 500, Buffer.alloc(0));
  await readingPause();
  srv.rebuild(people.slice(0, 600), []);
  try {
    const rest: string[] = [];
    let cookie = first.cookie;
    for (let id = 3; cookie.length > 0; id++) {
      const p = await page(c, id, 500, cookie);
      rest.push(...p.dns);
      cookie = p.cookie;
      await readingPause();
    }
    expect([...first.dns, ...rest]).toEqual(allDns);
    const fresh = await page(c, 20, 1000, Buffer.alloc(0));
    expect(fresh.dns).toEqual(allDns.slice(0, 600));
  } finally {
    srv.rebuild(people, []);
  }
  c.close();
});

it('keeps two paged searches on one connection apart, and a cancelled one leaves nothing behind', async () => {
  const c = await bound();
  const everyone = presentFilter('objectClass');
  const one = eqFilter('objectClass', 'posixAccount');
  let a = await page(c, 2, 100, Buffer.alloc(0), everyone);
  await readingPause();
  let b = await page(c, 3, 70, Buffer.alloc(0), one);
  await readingPause();
  const gotA = [...a.dns];
  const gotB = [...b.dns];
  let id = 4;
  while (a.cookie.length > 0 || b.cookie.length > 0) {
    if (a.cookie.length > 0) {
      a = await page(c, id++, 100, a.cookie, everyone);
      gotA.push(...a.dns);
      await readingPause();
    }
    if (b.cookie.length > 0) {
      b = await page(c, id++, 70, b.cookie, one);
      gotB.push(...b.dns);
      await readingPause();
    }
  }
  expect(gotA).toEqual(allDns);
  expect(gotB).toEqual(allDns);

  const started = await page(c, id++, 100, Buffer.alloc(0));
  await readingPause();
  const cancelled = await page(c, id++, 0, started.cookie);
  expect(cancelled).toMatchObject({ dns: [], code: 0 });
  expect(cancelled.cookie.length).toBe(0);
  expect((await page(c, id++, 100, started.cookie)).code).toBe(53);
  c.close();
});
