// Timing of failed binds over real LDAP sockets with the real argon2id hasher: a wrong service
// account password, a wrong person password, an unknown DN and a service account bind from outside
// its allowFrom must cost the same, so response time does not tell which DNs exist or what they are.
import { Readable, Writable } from 'node:stream';
import { Client } from 'ldapts';
import { passwordSetCommand } from '../../src/cli/commands/credentials';
import { MemoryCredentialStore } from '../../src/storage/memory/credential-store';
import { person } from '../fixtures/ldap/people';
import { APP_DN, APP_PW, BASE, startTestServer, type TestServer } from '../fixtures/ldap/server-fixture';

const ROUNDS = 100;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function failedBindMs(client: Client, dn: string, password: string): Promise<number> {
  const started = performance.now();
  const code = await client.bind(dn, password).then(
    () => 0,
    (err: { code?: number }) => err.code,
  );
  const ms = performance.now() - started;
  expect(code).toBe(49);
  return ms;
}

describe('failed bind timing', () => {
  let srv: TestServer;
  const credentials = new MemoryCredentialStore();

  beforeAll(async () => {
    srv = await startTestServer({
      identities: [person('alice', 10001)],
      credentials,
      config: {
        serviceAccounts: [
          { name: 'app', password: APP_PW },
          { name: 'office', password: 'office-secret', allowFrom: ['192.0.2.0/24'] },
        ],
        // The lockout must not switch any kind to its (equally costly) locked path mid-measurement.
        lockout: { maxFailures: 100_000, maxFailuresPerAddressPerMinute: 100_000 },
      },
    });
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    await passwordSetCommand({ credentials, username: 'alice', input: Readable.from(['alice-password\n']), output: sink, errors: sink });
  });
  afterAll(async () => srv.close());

  it('costs the same for a service account, a person, an unknown DN and a refused address (ratio of medians within 0.5..2)', async () => {
    const kinds: Record<string, [string, string]> = {
      'service account, wrong password': [APP_DN, 'not-the-app-secret'],
      'person, wrong password': [`uid=alice,ou=people,${BASE}`, 'not-alices-password'],
      'unknown DN': [`uid=nobody,ou=people,${BASE}`, 'whatever-password'],
      'service account outside allowFrom': [`cn=office,ou=services,${BASE}`, 'office-secret'],
    };
    const clients = new Map(Object.keys(kinds).map((k) => [k, new Client({ url: srv.url, timeout: 10_000 })]));
    const samples = new Map(Object.keys(kinds).map((k) => [k, [] as number[]]));
    try {
      for (const [kind, [dn, pw]] of Object.entries(kinds)) await failedBindMs(clients.get(kind)!, dn, pw); // warm up connections
      // Interleaved rounds, in a rotating order: load drift on a shared machine hits every kind alike.
      const order = Object.keys(kinds);
      for (let round = 0; round < ROUNDS; round++) {
        for (let i = 0; i < order.length; i++) {
          const kind = order[(round + i) % order.length];
          const [dn, pw] = kinds[kind];
          samples.get(kind)!.push(await failedBindMs(clients.get(kind)!, dn, pw));
        }
      }
    } finally {
      for (const c of clients.values()) await c.unbind().catch(() => undefined);
    }
    const medians = Object.fromEntries([...samples].map(([k, xs]) => [k, +median(xs).toFixed(2)]));
    process.stdout.write(`failed bind medians (ms, ${ROUNDS} each): ${JSON.stringify(medians)}\n`);
    const outOfRange = Object.entries(medians).flatMap(([a, ma]) =>
      Object.entries(medians)
        .filter(([b, mb]) => a < b && !(ma / mb >= 0.5 && ma / mb <= 2))
        .map(([b, mb]) => `${a} / ${b} = ${(ma / mb).toFixed(2)}`),
    );
    expect(outOfRange).toEqual([]);
    const reasons = new Set(srv.logs.filter((l) => l.op === 'bind').map((l) => l.reason));
    expect(reasons).toEqual(new Set(['wrong service account password', 'wrong password', 'no such bind DN', 'service account bind from 127.0.0.1, outside its allowFrom']));
  }, 120_000);
});
