import { CallGate } from '../../src/services/provisioning/call-gate';

/** A piece of work that runs until the test lets it finish. */
function held(log: string[], name: string): { work: () => Promise<string>; finish: () => void } {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  return {
    work: async () => {
      log.push(`start ${name}`);
      await done;
      return name;
    },
    finish: () => finish(),
  };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('CallGate', () => {
  it('runs at most `limit` at once and starts the next as soon as one ends', async () => {
    const gate = new CallGate(2);
    const log: string[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((n) => held(log, n));
    const runs = [gate.run(5, a.work), gate.run(5, b.work), gate.run(5, c.work)];
    await settle();
    expect(log).toEqual(['start a', 'start b']);
    expect(gate.inFlight).toBe(2);
    a.finish();
    await settle();
    expect(log).toEqual(['start a', 'start b', 'start c']);
    expect(gate.inFlight).toBe(2);
    b.finish();
    c.finish();
    expect(await Promise.all(runs)).toEqual(['a', 'b', 'c']);
    expect(gate.inFlight).toBe(0);
  });

  it('lets the most urgent waiter (lowest priority number) go first, then in arrival order', async () => {
    const gate = new CallGate(1);
    const log: string[] = [];
    const first = held(log, 'first');
    const waiters = ['late-1', 'late-2', 'revoke', 'late-3'].map((n) => held(log, n));
    const runs = [gate.run(10, first.work), ...waiters.map((w, i) => gate.run(i === 2 ? 1 : 10, w.work))];
    await settle();
    first.finish();
    for (const w of [waiters[2], waiters[0], waiters[1], waiters[3]]) {
      await settle();
      w.finish();
    }
    await Promise.all(runs);
    expect(log).toEqual(['start first', 'start revoke', 'start late-1', 'start late-2', 'start late-3']);
  });

  it('frees the place when the work fails', async () => {
    const gate = new CallGate(1);
    await expect(gate.run(5, async () => Promise.reject(new Error('target said no')))).rejects.toThrow('target said no');
    expect(gate.inFlight).toBe(0);
    expect(await gate.run(5, async () => 'next')).toBe('next');
  });
});
