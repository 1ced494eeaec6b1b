// CachedToken: one token endpoint request for concurrent callers, renewal a margin before expiry
// measured on the injected clock, and no memory of a failed fetch.
import { CachedToken, type FetchedToken } from '../../src/connectors/http/cached-token';
import { ManualClock } from '../../src/ports/clock';

/** A token endpoint whose answers the test releases one by one. */
function endpoint() {
  const waiting: Array<{ resolve(t: FetchedToken): void; reject(e: Error): void }> = [];
  let issued = 0;
  const fetchToken = () =>
    new Promise<FetchedToken>((resolve, reject) => {
      issued += 1;
      waiting.push({ resolve, reject });
    });
  return {
    fetchToken,
    get issued() {
      return issued;
    },
    answer(token: string, expiresInSeconds = 3600) {
      waiting.shift()!.resolve({ token, expiresInSeconds });
    },
    fail(message: string) {
      waiting.shift()!.reject(new Error(message));
    },
  };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('CachedToken', () => {
  it('concurrent callers share one fetch and all get its token', async () => {
    const ep = endpoint();
    const cached = new CachedToken(ep.fetchToken, new ManualClock());
    const callers = Array.from({ length: 5 }, () => cached.get());
    await flush();
    expect(ep.issued).toBe(1);
    ep.answer('t1');
    expect(await Promise.all(callers)).toEqual(['t1', 't1', 't1', 't1', 't1']);
    expect(await cached.get()).toBe('t1');
    expect(ep.issued).toBe(1);
  });

  it('keeps the token until a minute before it expires, then fetches a new one', async () => {
    const ep = endpoint();
    const clock = new ManualClock();
    const cached = new CachedToken(ep.fetchToken, clock);
    const first = cached.get();
    await flush();
    ep.answer('t1', 3600);
    expect(await first).toBe('t1');
    clock.advance(3539 * 1000);
    expect(await cached.get()).toBe('t1');
    expect(ep.issued).toBe(1);
    clock.advance(1000);
    const renewed = cached.get();
    await flush();
    expect(ep.issued).toBe(2);
    ep.answer('t2', 3600);
    expect(await renewed).toBe('t2');
  });

  it('a short-lived token is renewed at half its life, not on every call', async () => {
    const ep = endpoint();
    const clock = new ManualClock();
    const cached = new CachedToken(ep.fetchToken, clock);
    const first = cached.get();
    await flush();
    ep.answer('short', 60);
    await first;
    clock.advance(29 * 1000);
    expect(await cached.get()).toBe('short');
    expect(ep.issued).toBe(1);
    clock.advance(1000);
    void cached.get();
    await flush();
    expect(ep.issued).toBe(2);
  });

  it('a failed fetch reaches every waiting caller and is not cached: the next get asks again', async () => {
    const ep = endpoint();
    const cached = new CachedToken(ep.fetchToken, new ManualClock());
    const a = cached.get();
    const b = cached.get();
    await flush();
    ep.fail('token endpoint answered 503');
    await expect(a).rejects.toThrow('token endpoint answered 503');
    await expect(b).rejects.toThrow('token endpoint answered 503');
    expect(ep.issued).toBe(1);
    const again = cached.get();
    await flush();
    expect(ep.issued).toBe(2);
    ep.answer('t2');
    expect(await again).toBe('t2');
  });

  it('an answer without a usable token is an error, not a cached empty token', async () => {
    const ep = endpoint();
    const cached = new CachedToken(ep.fetchToken, new ManualClock());
    const a = cached.get();
    await flush();
    ep.answer('', 3600);
    await expect(a).rejects.toThrow(/no usable token/);
    void cached.get();
    await flush();
    expect(ep.issued).toBe(2);
  });

  it('invalidate() makes the next get fetch a new token before expiry', async () => {
    const ep = endpoint();
    const cached = new CachedToken(ep.fetchToken, new ManualClock());
    const a = cached.get();
    await flush();
    ep.answer('t1');
    await a;
    cached.invalidate();
    const b = cached.get();
    await flush();
    expect(ep.issued).toBe(2);
    ep.answer('t2');
    expect(await b).toBe('t2');
  });
});
