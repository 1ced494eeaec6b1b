// JsonReader against a local HTTP peer: how long it waits on 429 (X-Rate-Limit-Reset before
// Retry-After), that throttling does not use up the retries, that a wait longer than a run fails
// the page, one renewal after a 401, and the page named in every failure.
import { JsonReader, ReadError, type JsonReaderSettings } from '../../src/connectors/http/json-reader';
import { Routes, startFake, type FakeServer } from '../fakes/http-fake';

let peer: FakeServer;
let served = 0;
let posted: unknown[] = [];
const sleeps: number[] = [];
const NOW = Date.parse('2026-05-01T12:00:00Z');

beforeEach(async () => {
  served = 0;
  posted = [];
  sleeps.length = 0;
  const routes = new Routes()
    .on('GET', '/items', (req) => {
      served += 1;
      return req.headers.authorization === 'Bearer good' ? { status: 200, body: { items: [1, 2] } } : { status: 401, body: { error: 'invalid_token' } };
    })
    .on('POST', '/report', (req) => {
      posted.push({ contentType: req.headers['content-type'], body: req.body });
      if (req.headers.authorization !== 'Bearer good') return { status: 401, headers: { 'x-vendor-error': 'Invalid API key' } };
      return { status: 200, body: { rows: req.body.ids } };
    });
  peer = await startFake(routes, (status, message) => ({ message: `${status} ${message}` }));
});
afterEach(() => peer.close());

function reader(over: Partial<JsonReaderSettings> = {}): JsonReader {
  return new JsonReader({ timeoutMs: 5000, retries: 1, sleep: async (ms) => void sleeps.push(ms), now: () => NOW, authorization: () => 'Bearer good', ...over });
}

const url = () => `${peer.url}/items?x=1`;

describe('JsonReader', () => {
  it('waits until X-Rate-Limit-Reset when Okta sends it, even with a Retry-After beside it', async () => {
    peer.faults.push({ status: 429, headers: { 'x-rate-limit-reset': String(NOW / 1000 + 42), 'retry-after': '3' } });
    const page = await reader().get(url(), 'items page 1');
    expect(page.body).toEqual({ items: [1, 2] });
    expect(sleeps).toEqual([42_000]);
  });

  it('429s do not use up the retries for 5xx answers', async () => {
    peer.faults.push({ status: 429, retryAfter: 1 }, { status: 429, retryAfter: 1 }, { status: 429, retryAfter: 1 }, { status: 503 });
    const page = await reader({ retries: 1 }).get(url(), 'items page 1');
    expect(page.status).toBe(200);
    expect(sleeps).toEqual([1000, 1000, 1000, 500]);
  });

  it('a wait longer than a run waits fails the page, naming it and the wait', async () => {
    peer.faults.push({ status: 429, retryAfter: 600 });
    await expect(reader().get(url(), 'items page 3')).rejects.toThrow(/^items page 3 \(GET \/items\) answered 429: .*told to wait 600 s, longer than a run waits/);
    expect(sleeps).toEqual([]);
  });

  it('gives up after the retries with the last answer quoted', async () => {
    for (let i = 0; i < 3; i++) peer.faults.push({ status: 502, body: '<html>bad gateway</html>' });
    const err = await reader({ retries: 2 }).get(url(), 'items page 2').catch((e) => e);
    expect(err).toBeInstanceOf(ReadError);
    expect(err.message).toBe('items page 2 (GET /items) answered 502: <html>bad gateway</html>');
    expect(err.status).toBe(502);
  });

  it('renews the authorization once after a 401, and a second 401 fails the page', async () => {
    let token = 'stale';
    let renewals = 0;
    const r = reader({ authorization: () => `Bearer ${token}`, renewAuthorization: () => void ((token = 'good'), renewals++) });
    expect((await r.get(url(), 'items page 1')).status).toBe(200);
    expect(renewals).toBe(1);
    token = 'revoked';
    const r2 = reader({ authorization: () => `Bearer ${token}`, renewAuthorization: () => void renewals++ });
    await expect(r2.get(url(), 'items page 1')).rejects.toThrow(/items page 1 \(GET \/items\) answered 401/);
    expect(renewals).toBe(2);
  });

  it('an authorization that cannot be had fails the page with its reason, sending nothing', async () => {
    const r = reader({ authorization: () => Promise.reject(new Error('token endpoint answered 400: invalid_client')) });
    await expect(r.get(url(), 'items page 1')).rejects.toThrow('items page 1 (GET /items): token endpoint answered 400: invalid_client');
    expect(served).toBe(0);
  });

  it('POSTs a JSON body and returns the JSON answer', async () => {
    const page = await reader().post(`${peer.url}/report`, { ids: [7, 9] }, 'the report');
    expect(page.body).toEqual({ rows: [7, 9] });
    expect(posted).toEqual([{ contentType: 'application/json', body: { ids: [7, 9] } }]);
  });

  it('takes the error reason from where the vendor puts it, naming the method', async () => {
    const r = reader({ authorization: () => 'Bearer bad', errorDetail: (_b, _t, headers) => headers.get('x-vendor-error') });
    await expect(r.post(`${peer.url}/report`, {}, 'the report')).rejects.toThrow(/^the report \(POST \/report\) answered 401: Invalid API key$/);
  });

  it('a 503 with Retry-After is throttling where the peer throttles so: it does not use up the retries', async () => {
    peer.faults.push({ status: 503, retryAfter: 4 }, { status: 503, retryAfter: 5 }, { status: 503, retryAfter: 6 });
    const page = await reader({ retries: 1, throttlesWith503: true }).get(url(), 'items page 1');
    expect(page.status).toBe(200);
    expect(sleeps).toEqual([4000, 5000, 6000]);
  });

  it('without that, a 503 counts as a failure even with Retry-After', async () => {
    peer.faults.push({ status: 503, retryAfter: 4 }, { status: 503, retryAfter: 5 }, { status: 503, retryAfter: 6 });
    await expect(reader({ retries: 1 }).get(url(), 'items page 1')).rejects.toThrow(/^items page 1 \(GET \/items\) answered 503/);
    expect(sleeps).toEqual([4000]);
  });
});
