// Hostile clients that follow the protocol but cost too much: huge or wide filters, expensive scans,
// log floods, slowloris trickles and connection floods from one address. Real sockets against the
// real frontend; each case must cost only its own client.
import { connect, type Socket } from 'node:net';
import { Client } from 'ldapts';
import { ldapSchema } from '../../src/config/sections/ldap';
import { octets, tlv } from '../../src/ldap/server/ber-write';
import { person, group } from '../fixtures/ldap/people';
import { eqFilter, extended, RawClient, search, simpleBind } from '../fixtures/ldap/raw-client';
import { APP_DN, APP_PW, BASE, startTestServer, type TestServer } from '../fixtures/ldap/server-fixture';

const substring = (attr: string, any: string): Buffer => tlv(0xa4, [octets(attr), tlv(0x30, [octets(any, 0x81)])]);
const or = (items: Buffer[]): Buffer => tlv(0xa1, items);

async function boundRaw(url: string): Promise<RawClient> {
  const c = await RawClient.open(url);
  c.send(simpleBind(1, APP_DN, APP_PW));
  expect((await c.next())!.code).toBe(0);
  return c;
}

/** Bytes of log output produced while `run` runs, as pino wrote them (one JSON line each). */
async function logBytesDuring(srv: TestServer, run: () => Promise<void>): Promise<number> {
  const before = srv.logs.length;
  await run();
  await new Promise((r) => setTimeout(r, 100));
  return srv.logs.slice(before).reduce((n, l) => n + JSON.stringify(l).length + 1, 0);
}

function openSockets(port: number, n: number, host = '127.0.0.1'): Promise<Socket[]> {
  return Promise.all(Array.from({ length: n }, () => new Promise<Socket>((resolve) => {
    const s = connect(port, host, () => resolve(s));
    s.on('error', () => resolve(s));
  })));
}

/** Longest gap between 5 ms ticks of a timer: how long the event loop was held at most. */
function stallMonitor(): { stop(): number } {
  let last = performance.now();
  let worst = 0;
  const t = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 5);
  return {
    stop: () => {
      clearInterval(t);
      return Math.max(worst, performance.now() - last);
    },
  };
}

/**
 * Waits until the server has dealt with every socket: each one the client still sees open is one
 * the server counts (an unaccepted one is open on the client side but not yet counted), stable for
 * 100 ms. A loaded machine accepts slowly, so no fixed pause is long enough.
 */
async function settled(sockets: Socket[], counted: () => number): Promise<number> {
  const open = () => sockets.filter((s) => !(s.destroyed || s.readableEnded)).length;
  const deadline = Date.now() + 15_000;
  let stableSince = 0;
  while (Date.now() < deadline) {
    const agree = open() === counted();
    if (!agree) stableSince = 0;
    else if (!stableSince) stableSince = Date.now();
    else if (Date.now() - stableSince >= 100) return counted();
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`server counts ${counted()} connections while the client sees ${open()} open`);
}

const closedWithin = (s: Socket, ms: number): Promise<boolean> => new Promise((resolve) => {
  if (s.destroyed || s.readableEnded) return resolve(true);
  s.once('close', () => resolve(true));
  setTimeout(() => resolve(false), ms).unref();
});

describe('filter caps and sliced evaluation', () => {
  let srv: TestServer;
  const people = Array.from({ length: 20000 }, (_, i) => person(`user${i}`, 10000 + i));
  beforeAll(async () => {
    srv = await startTestServer({ identities: people, groups: [group('engineering', 20000)] });
  }, 60_000);
  afterAll(async () => srv.close());

  it('refuses a 10 MB substring filter from a bound client with adminLimitExceeded (11) naming the cap, without running it', async () => {
    const c = await boundRaw(srv.url);
    // Uncapped, this filter runs over all 20,000 entries and answers 0 with no entry; the 11 is the proof.
    c.send(search(2, BASE, 2, substring('cn', 'x'.repeat(10 * 1024 * 1024))));
    const r = await c.next(10_000);
    expect(r).toMatchObject({ messageId: 2, opTag: 0x65, code: 11 });
    expect(r!.message).toMatch(/filterMaxBytes \(65536\)/);
    c.send(search(3, BASE, 2, eqFilter('uid', 'user7')));
    expect((await c.collect(0x65)).map((x) => x.value)).toContain(`uid=user7,ou=people,${BASE}`);
    c.close();
  });

  it('refuses a 120,000-item OR with 11 before decoding it: no other client stalls', async () => {
    const c = await boundRaw(srv.url);
    const items = Array.from({ length: 120_000 }, (_, i) => eqFilter('cn', `n${i}`));
    const wide = search(2, BASE, 2, or(items));
    expect(wide.length).toBeLessThan(16 * 1024 * 1024);
    const stall = stallMonitor();
    c.send(wide);
    const r = await c.next(10_000);
    const worstStall = stall.stop();
    expect(r).toMatchObject({ messageId: 2, code: 11 });
    expect(r!.message).toMatch(/filterMaxBytes|filterMaxNodes/);
    expect(worstStall).toBeLessThan(400);
    c.close();
  });

  it('allows 1,000 filter items (the OR counts as one) and refuses 1,001 with 11 naming filterMaxNodes', async () => {
    const c = await boundRaw(srv.url);
    const items = (n: number) => Array.from({ length: n }, (_, i) => eqFilter('uid', `user${i}`));
    c.send(search(2, BASE, 2, or(items(999))));
    const all = await c.collect(0x65, 20_000);
    expect(all.pop()).toMatchObject({ code: 0 });
    expect(all).toHaveLength(999);
    c.send(search(3, BASE, 2, or(items(1000))));
    const r = await c.next();
    expect(r).toMatchObject({ messageId: 3, code: 11 });
    expect(r!.message).toMatch(/more than 1000 items \(ldap\.limits\.filterMaxNodes\)/);
    c.close();
  });

  it('keeps answering other clients while one runs an expensive allowed search over 20,000 entries', async () => {
    // 300 substring items that match nobody: every entry is tested against all of them (about 2 s).
    const expensive = or(Array.from({ length: 300 }, (_, i) => substring('cn', `q${i}z`)));
    const heavy = await boundRaw(srv.url);
    const light = await boundRaw(srv.url);
    const stall = stallMonitor();
    const started = performance.now();
    heavy.send(search(2, BASE, 2, expensive));
    const heavyDone = heavy.collect(0x65, 120_000).then(() => performance.now() - started);
    // Server and test share one event loop: answers to the light client are only seen while the
    // heavy search leaves the loop free, so their times measure exactly the stall other clients see.
    const answeredAt: number[] = [];
    for (let i = 0; i < 5; i++) {
      light.send(search(10 + i, BASE, 2, eqFilter('uid', `user${i}`)));
      const res = await light.collect(0x65, 120_000);
      expect(res.map((x) => x.value)).toContain(`uid=user${i},ou=people,${BASE}`);
      answeredAt.push(performance.now() - started);
    }
    const heavyMs = await heavyDone;
    const worstStall = stall.stop();
    expect(heavyMs).toBeGreaterThan(1000);
    // Without slicing every light answer comes after the whole scan, and the loop stalls for all of it.
    // Bounds relative to the scan's own time: on a loaded machine both stretch together.
    expect(answeredAt[4]).toBeLessThan(heavyMs / 2);
    expect(worstStall).toBeLessThan(heavyMs / 4);
    heavy.close();
    light.close();
  }, 180_000);
});

describe('bounded logging', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ identities: [person('alice', 10001)] });
  });
  afterAll(async () => srv.close());

  it('logs a few hundred bytes, not the filter, for anonymous 253 KB searches and a bound 10 MB filter', async () => {
    const anonymousBig = search(2, BASE, 2, substring('cn', 'y'.repeat(253 * 1024)));
    const bytes = await logBytesDuring(srv, async () => {
      await Promise.all(Array.from({ length: 4 }, async () => {
        const c = await RawClient.open(srv.url);
        c.send(anonymousBig);
        expect(await c.next()).toMatchObject({ messageId: 2, code: 50 });
        c.close();
      }));
      const c = await boundRaw(srv.url);
      c.send(search(2, BASE, 2, substring('cn', 'z'.repeat(10 * 1024 * 1024))));
      expect(await c.next(10_000)).toMatchObject({ code: 11 });
      c.close();
    });
    expect(bytes).toBeLessThan(8 * 1024);
    const refused = srv.logs.filter((l) => l.op === 'search' && l.code === 50);
    expect(String(refused[0].filter)).toMatch(/^<\d+ bytes, sha256:[0-9a-f]{16}>$/);
  });

  it('logs a bounded bind DN and extended operation name, however long the client sends them', async () => {
    const bytes = await logBytesDuring(srv, async () => {
      const c = await RawClient.open(srv.url);
      c.send(simpleBind(1, `uid=${'d'.repeat(200 * 1024)},ou=people,${BASE}`, 'wrong'));
      expect(await c.next()).toMatchObject({ messageId: 1, code: 49 });
      c.send(extended(2, `1.${'2.'.repeat(100 * 1024)}3`));
      const r = await c.next();
      expect(r).toMatchObject({ messageId: 2, code: 53 });
      expect(r!.message.length).toBeLessThan(1024);
      c.close();
    });
    expect(bytes).toBeLessThan(4 * 1024);
  });

  it('logs an allowed long filter as a 256-character prefix with its length and digest', async () => {
    const c = await boundRaw(srv.url);
    c.send(search(2, BASE, 2, substring('cn', 'w'.repeat(20 * 1024))));
    expect((await c.collect(0x65)).pop()).toMatchObject({ code: 0 });
    c.close();
    const line = srv.logs.filter((l) => l.op === 'search').pop()!;
    expect(String(line.filter)).toMatch(/^\(cn=\*w{251}\.\.\. \(\d+ chars, sha256:[0-9a-f]{16}\)$/);
  });
});

describe('slowloris', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({
      identities: [person('alice', 10001)],
      config: { limits: { idleTimeoutMs: 60_000, pduDeadlineMs: 600, preBindTimeoutMs: 1200 } },
    });
  });
  afterAll(async () => srv.close());
  const port = () => Number(new URL(srv.url).port);

  it('closes connections that trickle a request one byte at a time past the PDU deadline', async () => {
    const sockets = await openSockets(port(), 20);
    const bind = simpleBind(1, APP_DN, APP_PW);
    let i = 0;
    const trickle = setInterval(() => {
      for (const s of sockets) if (!s.destroyed && i < bind.length - 1) s.write(bind.subarray(i, i + 1));
      i++;
    }, 50);
    try {
      const closed = await Promise.all(sockets.map((s) => closedWithin(s, 3000)));
      expect(closed.filter(Boolean)).toHaveLength(20);
      // 50 ms per byte: the idle timer never fired; the deadline (600 ms) did, long before the PDU's end.
      expect(i).toBeLessThan(bind.length - 1);
    } finally {
      clearInterval(trickle);
      sockets.forEach((s) => s.destroy());
    }
  });

  it('closes connections that never bind, and keeps serving a bound client past both timeouts', async () => {
    const silent = await openSockets(port(), 20);
    const client = new Client({ url: srv.url, timeout: 5000 });
    await client.bind(APP_DN, APP_PW);
    try {
      const closed = await Promise.all(silent.map((s) => closedWithin(s, 4000)));
      expect(closed.filter(Boolean)).toHaveLength(20);
      // The bound connection is older than the pre-bind timeout and the PDU deadline, and still answers.
      const { searchEntries } = await client.search(BASE, { filter: '(uid=alice)' });
      expect(searchEntries.map((e) => e.dn)).toEqual([`uid=alice,ou=people,${BASE}`]);
    } finally {
      await client.unbind();
      silent.forEach((s) => s.destroy());
    }
  });

  it('a PDU sent in pieces within the deadline is answered', async () => {
    const c = await boundRaw(srv.url);
    const req = search(2, BASE, 2, eqFilter('uid', 'alice'));
    c.send(req.subarray(0, 10));
    await new Promise((r) => setTimeout(r, 300));
    c.send(req.subarray(10));
    expect((await c.collect(0x65)).map((x) => x.value)).toContain(`uid=alice,ou=people,${BASE}`);
    c.close();
  });
});

describe('per-address connection caps with CIDR overrides', () => {
  async function accepted(config: Parameters<typeof startTestServer>[0], n: number, host = '127.0.0.1'): Promise<number> {
    const srv = await startTestServer(config);
    try {
      const sockets = await openSockets(Number(new URL(srv.url).port), n, host);
      const count = await settled(sockets, () => srv.handle.connectionCount());
      sockets.forEach((s) => s.destroy());
      return count;
    } finally {
      await srv.close();
    }
  }

  it('raises the cap for a CIDR, and the most specific override wins (0 = unlimited)', async () => {
    expect(await accepted({ config: { limits: { maxConnectionsPerAddress: 3 } } }, 9)).toBe(3);
    expect(await accepted({ config: { limits: { maxConnectionsPerAddress: 3, maxConnectionsPerAddressOverrides: [{ cidr: '127.0.0.0/8', max: 6 }] } } }, 9)).toBe(6);
    const both = [{ cidr: '127.0.0.1/32', max: 0 }, { cidr: '127.0.0.0/8', max: 6 }];
    expect(await accepted({ config: { limits: { maxConnectionsPerAddress: 3, maxConnectionsPerAddressOverrides: both.reverse() } } }, 40)).toBe(40);
    expect(await accepted({ config: { limits: { maxConnectionsPerAddress: 3, maxConnectionsPerAddressOverrides: [{ cidr: '10.0.0.0/8', max: 0 }] } } }, 9)).toBe(3);
  });

  it('applies an IPv4 override to an IPv4 client of a dual-stack listener (::ffff:127.0.0.1)', async () => {
    const config = { listen: ['ldap://[::]:0'], limits: { maxConnectionsPerAddress: 2, maxConnectionsPerAddressOverrides: [{ cidr: '127.0.0.1', max: 7 }] } };
    expect(await accepted({ config }, 10, '127.0.0.1')).toBe(7);
  });

  it('counts one client once across an IPv4 and a dual-stack listener', async () => {
    const srv = await startTestServer({ config: { listen: ['ldap://127.0.0.1:0', 'ldap://[::]:0'], limits: { maxConnectionsPerAddress: 3 } } });
    try {
      const [v4, dual] = srv.handle.addresses().map((a) => Number(new URL(a.url).port));
      const sockets = [...(await openSockets(v4, 2)), ...(await openSockets(dual, 2))];
      expect(await settled(sockets, () => srv.handle.connectionCount())).toBe(3);
      sockets.forEach((s) => s.destroy());
    } finally {
      await srv.close();
    }
  });

  it('rejects an override that is not an address or CIDR, naming where', () => {
    const r = ldapSchema.safeParse({ baseDN: BASE, limits: { maxConnectionsPerAddressOverrides: [{ cidr: '10.0.0.0/33', max: 5 }] } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].path).toEqual(['limits', 'maxConnectionsPerAddressOverrides', 0, 'cidr']);
    expect(r.error!.issues[0].message).toMatch(/CIDR/);
  });
});
