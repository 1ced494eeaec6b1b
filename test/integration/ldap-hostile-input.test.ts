// Hostile and malformed input against the running frontend: each case must cost only its own
// connection (or only its own operation), and the server must keep answering everyone else.
import { connect, type Socket } from 'node:net';
import { Client } from 'ldapts';
import { OID } from '../../src/ldap/server/root-dse';
import { person, group } from '../fixtures/ldap/people';
import { abandon, control, deepNotFilter, eqFilter, extended, msg, presentFilter, RawClient, saslBind, search, simpleBind } from '../fixtures/ldap/raw-client';
import { APP_DN, APP_PW, BASE, startTestServer, type TestServer } from '../fixtures/ldap/server-fixture';
import { integer, octets, tlv } from '../../src/ldap/server/ber-write';

let srv: TestServer;
const people = Array.from({ length: 3000 }, (_, i) => person(`user${i}`, 10000 + i));

beforeAll(async () => {
  srv = await startTestServer({
    identities: people,
    groups: [group('engineering', 20000)],
    // filterMaxBytes raised: the bound-PDU case below sends a 300 KiB filter to test the PDU cap alone
    config: { limits: { idleTimeoutMs: 1500, maxConnectionsPerAddress: 3000, maxOutstandingPerConnection: 4, filterMaxBytes: 1024 * 1024 } },
  });
});
afterAll(async () => srv.close());

/** The server still answers a well-behaved client: bind as the service account and read one person. */
async function serverStillAnswers(): Promise<void> {
  const client = new Client({ url: srv.url, timeout: 5000 });
  try {
    await client.bind(APP_DN, APP_PW);
    const { searchEntries } = await client.search(BASE, { filter: '(uid=user7)' });
    expect(searchEntries.map((e) => e.dn)).toEqual([`uid=user7,ou=people,${BASE}`]);
  } finally {
    await client.unbind();
  }
}

async function sendAndExpectClose(bytes: Buffer, timeoutMs = 3000): Promise<number> {
  const c = await RawClient.open(srv.url);
  const started = Date.now();
  c.send(bytes);
  await Promise.race([c.closedPromise, new Promise((_, rej) => setTimeout(() => rej(new Error('server kept the connection open')), timeoutMs).unref())]);
  return Date.now() - started;
}

describe('malformed PDUs cost only their own connection', () => {
  it('closes a connection that sends the 9-byte negative-length PDU (ldapjs would emit an unhandled error)', async () => {
    await sendAndExpectClose(Buffer.from('308480000000020101', 'hex'));
    await serverStillAnswers();
  });

  it('closes at once on a 1 GiB announced length instead of buffering it', async () => {
    const ms = await sendAndExpectClose(Buffer.concat([Buffer.from('308440000000', 'hex'), Buffer.alloc(64 * 1024, 0x41)]));
    expect(ms).toBeLessThan(1000);
    await serverStillAnswers();
  });

  it('enforces the pre-bind PDU cap (256 KiB) but allows big PDUs once bound', async () => {
    const big = search(2, BASE, 2, eqFilter('cn', 'x'.repeat(300 * 1024)));
    await sendAndExpectClose(big);
    const c = await RawClient.open(srv.url);
    c.send(simpleBind(1, APP_DN, APP_PW));
    expect((await c.next())!.code).toBe(0);
    c.send(big);
    const done = await c.collect(0x65);
    expect(done[done.length - 1].code).toBe(0);
    c.close();
  });

  it('rejects an indefinite length', async () => {
    await sendAndExpectClose(Buffer.from('3080020101420000', 'hex'));
    await serverStillAnswers();
  });

  it('closes on bytes that are not LDAP at all', async () => {
    await sendAndExpectClose(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    const random = Buffer.alloc(4096);
    for (let i = 0; i < random.length; i++) random[i] = (i * 7919 + 13) & 0xff;
    random[0] = 0x30; // looks like a message, then garbage inside
    random[1] = 0x82;
    random[2] = 0x0f;
    random[3] = 0xfc;
    await sendAndExpectClose(random);
    await serverStillAnswers();
  });

  it('answers a 20,000-deep nested filter with adminLimitExceeded (11) and keeps the connection', async () => {
    const c = await RawClient.open(srv.url);
    c.send(simpleBind(1, APP_DN, APP_PW));
    expect((await c.next())!.code).toBe(0);
    c.send(search(2, BASE, 2, deepNotFilter(20000)));
    const r = await c.next();
    expect(r).toMatchObject({ messageId: 2, opTag: 0x65, code: 11 });
    c.send(extended(3, OID.whoAmI));
    expect(await c.next()).toMatchObject({ messageId: 3, code: 0, value: `dn:${APP_DN}` });
    c.close();
  });

  it('refuses a filter 50 deep (within BER limits, beyond the filter depth cap) with 11', async () => {
    const c = await RawClient.open(srv.url);
    c.send(simpleBind(1, APP_DN, APP_PW));
    await c.next();
    c.send(search(2, BASE, 2, deepNotFilter(50)));
    expect(await c.next()).toMatchObject({ messageId: 2, code: 11 });
    c.close();
  });
});

describe('protocol features ldapjs gets wrong', () => {
  it('answers a SASL bind with authMethodNotSupported (7) and the connection stays usable', async () => {
    const c = await RawClient.open(srv.url);
    c.send(saslBind(1, 'GSSAPI'));
    expect(await c.next()).toMatchObject({ messageId: 1, opTag: 0x61, code: 7 });
    c.send(simpleBind(2, APP_DN, APP_PW));
    expect(await c.next()).toMatchObject({ messageId: 2, code: 0 });
    c.close();
  });

  it('accepts a password-policy request control without a value (nslcd sends one)', async () => {
    const c = await RawClient.open(srv.url);
    c.send(simpleBind(1, APP_DN, APP_PW, [control(OID.passwordPolicy)]));
    expect(await c.next()).toMatchObject({ messageId: 1, code: 0 });
    c.close();
  });

  it('refuses an unknown critical control with 12 and ignores an unknown non-critical one', async () => {
    const c = await RawClient.open(srv.url);
    c.send(simpleBind(1, APP_DN, APP_PW, [control('1.2.3.4.5', true)]));
    expect(await c.next()).toMatchObject({ messageId: 1, code: 12 });
    c.send(simpleBind(2, APP_DN, APP_PW, [control('1.2.3.4.5', false, Buffer.from('x'))]));
    expect(await c.next()).toMatchObject({ messageId: 2, code: 0 });
    c.close();
  });

  it('answers every write, password modify and unknown extended operation with 53', async () => {
    const c = await RawClient.open(srv.url);
    c.send(simpleBind(1, APP_DN, APP_PW));
    await c.next();
    const dn = `uid=user1,ou=people,${BASE}`;
    c.send(msg(2, tlv(0x68, [octets(dn), tlv(0x30, [])]))); // add
    c.send(msg(3, octets(dn, 0x4a))); // delete
    c.send(msg(4, tlv(0x66, [octets(dn), tlv(0x30, [])]))); // modify
    c.send(msg(5, tlv(0x6c, [octets(dn), octets('uid=x'), tlv(0x01, Buffer.from([0xff]))]))); // modDN
    c.send(extended(7, OID.passwordModify));
    c.send(extended(8, '1.2.3.4'));
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await c.next());
    expect(answers.map((a) => [a!.messageId, a!.opTag, a!.code])).toEqual([
      [2, 0x69, 53], [3, 0x6b, 53], [4, 0x67, 53], [5, 0x6d, 53], [7, 0x78, 53], [8, 0x78, 53],
    ]);
    c.close();
  });

  it('stops a running search on abandon', async () => {
    const c = await RawClient.open(srv.url);
    c.send(simpleBind(1, APP_DN, APP_PW));
    await c.next();
    c.socket.pause(); // do not read: the server fills the socket and waits
    // Search and abandon in one write: the server starts the search, stops at the full socket, then
    // reads the abandon. (Sending the abandon 200 ms later raced the server: the kernel's loopback
    // buffers hold all 3,000 entries, and a fast enough server is done before the abandon comes.)
    c.send(Buffer.concat([search(2, BASE, 2, presentFilter('objectClass')), abandon(3, 2)]));
    await new Promise((r) => setTimeout(r, 200));
    c.socket.resume();
    c.send(extended(4, OID.whoAmI));
    let entries = 0;
    for (;;) {
      const r = await c.next();
      if (!r) throw new Error('closed');
      if (r.messageId === 2) {
        expect(r.opTag).toBe(0x64); // never a searchDone for the abandoned search
        entries++;
      } else {
        expect(r).toMatchObject({ messageId: 4, code: 0 });
        break;
      }
    }
    expect(entries).toBeLessThan(people.length);
    const log = srv.logs.find((l) => l.op === 'search' && l.code === 'abandoned');
    expect(log).toBeDefined();
    c.close();
  });

  it('answers busy (51) beyond the cap of outstanding operations on one connection', async () => {
    const c = await RawClient.open(srv.url);
    c.send(simpleBind(1, APP_DN, APP_PW));
    await c.next();
    c.socket.pause();
    // One write, so all seven arrive before the first search fills the socket and reading pauses.
    c.send(Buffer.concat([2, 3, 4, 5, 6, 7, 8].map((id) => search(id, BASE, 2, presentFilter('objectClass')))));
    await new Promise((r) => setTimeout(r, 300));
    const busy = srv.logs.filter((l) => l.code === 51);
    expect(busy.length).toBeGreaterThanOrEqual(3);
    c.close();
  });
});

describe('connection floods', () => {
  it('closes idle and half-open connections after the idle timeout', async () => {
    const sockets: Socket[] = [];
    for (let i = 0; i < 50; i++) {
      const s = connect(Number(new URL(srv.url).port), '127.0.0.1');
      s.on('error', () => undefined);
      s.on('connect', () => s.write(Buffer.from('3064', 'hex'))); // a header and then silence
      sockets.push(s);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(srv.handle.connectionCount()).toBeGreaterThanOrEqual(50);
    await serverStillAnswers();
    const closed = await Promise.all(sockets.map((s) => new Promise<boolean>((r) => { if (s.destroyed) r(true); s.once('close', () => r(true)); setTimeout(() => r(false), 4000).unref(); })));
    expect(closed.every(Boolean)).toBe(true);
  });

  it('survives 2,000 simultaneous connections and keeps answering', async () => {
    const port = Number(new URL(srv.url).port);
    const sockets = await Promise.all(
      Array.from({ length: 2000 }, () => new Promise<Socket>((resolve) => {
        const s = connect(port, '127.0.0.1', () => resolve(s));
        s.on('error', () => resolve(s));
      })),
    );
    await serverStillAnswers();
    sockets.forEach((s) => s.destroy());
    await new Promise((r) => setTimeout(r, 300));
    expect(srv.handle.connectionCount()).toBeLessThan(10);
  });

  it('refuses connections beyond the per-address cap', async () => {
    const capped = await startTestServer({ config: { limits: { maxConnectionsPerAddress: 5 } } });
    try {
      const port = Number(new URL(capped.url).port);
      const sockets = await Promise.all(Array.from({ length: 8 }, () => new Promise<Socket>((resolve) => {
        const s = connect(port, '127.0.0.1', () => resolve(s));
        s.on('error', () => resolve(s));
      })));
      await new Promise((r) => setTimeout(r, 300));
      expect(sockets.filter((s) => s.destroyed || s.readableEnded).length).toBe(3);
      expect(capped.handle.connectionCount()).toBe(5);
      sockets.forEach((s) => s.destroy());
    } finally {
      await capped.close();
    }
  });
});

describe('message framing edge cases', () => {
  it('handles many PDUs in one TCP write and one PDU split across many writes', async () => {
    const c = await RawClient.open(srv.url);
    c.send(Buffer.concat([simpleBind(1, APP_DN, APP_PW), extended(2, OID.whoAmI), extended(3, OID.whoAmI)]));
    expect((await c.next())!.code).toBe(0);
    expect((await c.next())!.value).toBe(`dn:${APP_DN}`);
    expect((await c.next())!.messageId).toBe(3);
    const req = search(4, BASE, 2, eqFilter('uid', 'user3'));
    for (const byte of req) {
      c.send(Buffer.from([byte]));
    }
    const res = await c.collect(0x65);
    expect(res.map((r) => r.value)).toContain(`uid=user3,ou=people,${BASE}`);
    c.close();
  });

  it('rejects a message id outside 0..2^31-1 by closing', async () => {
    await sendAndExpectClose(tlv(0x30, [integer(-5), tlv(0x42, [])]));
  });
});
