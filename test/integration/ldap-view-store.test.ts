import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { Identity } from '../../src/domain/types';
import type { DirectorySnapshot } from '../../src/ldap/contract';
import type { DirectoryReader } from '../../src/ports/identity-store';
import { MemoryStore } from '../../src/storage/memory/memory-store';
import { StoreDirectoryView } from '../../src/ldap/view/directory-view';
import { redisChangeFeed, type RedisChangeFeed } from '../../src/change-feed';
import { silentLogger, type Logger } from '../../src/ports/logger';
import { generateDirectory } from '../../scripts/lib/gen-directory';

const BASE = 'dc=example,dc=com';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function recordingLog() {
  const lines: { level: string; o: object; m?: string }[] = [];
  const at = (level: string) => (o: object | string, m?: string) => void lines.push(typeof o === 'string' ? { level, o: {}, m: o } : { level, o, m });
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => log };
  return { lines, log };
}

/** Polls until `check` holds; returns how long it took. */
async function within(ms: number, check: () => boolean): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) {
      if (check()) break;
      throw new Error(`condition not met within ${ms} ms`);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  return Date.now() - started;
}

async function seededStore(people = 300): Promise<{ store: MemoryStore; identities: Identity[] }> {
  const store = new MemoryStore();
  const data = generateDirectory(people, 30, 5);
  await store.commit({ identities: data.identities.map((identity) => ({ identity, expectedRevision: null })), groups: data.groups });
  return { store, identities: data.identities };
}

const dnOf = (username: string) => `uid=${username},ou=people,${BASE}`;
const title = (s: DirectorySnapshot, username: string) => s.entry(dnOf(username))?.attrs.get('title')?.values[0];

describe('StoreDirectoryView following the store', () => {
  let store: MemoryStore;
  let identities: Identity[];
  let view: StoreDirectoryView;

  beforeEach(async () => {
    ({ store, identities } = await seededStore());
  });

  afterEach(async () => {
    await view?.close();
    await store.close();
  });

  it('builds from the store at start and shows a committed change within 100 ms', async () => {
    view = new StoreDirectoryView(store, { baseDN: BASE, serviceAccounts: ['app'] });
    await view.start();
    const someone = identities.find((i) => i.state === 'active')!;
    expect(title(view.current(), someone.username)).toBe(someone.attributes.title);
    const swaps: number[] = [];
    view.onSwap((s) => swaps.push(s.version));

    // Five changes one after another; the median must be under 100 ms. (The machine running the
    // tests is shared, so one slow outlier is tolerated up to a second.)
    const latencies: number[] = [];
    for (let i = 1; i <= 5; i++) {
      await store.updateIdentity(someone.id, (cur) => ({ identity: { ...cur, attributes: { ...cur.attributes, title: `Head of Tests ${i}` } } }));
      latencies.push(await within(1000, () => title(view.current(), someone.username) === `Head of Tests ${i}`));
    }
    latencies.sort((a, b) => a - b);
    expect(latencies[2]).toBeLessThan(100);
    expect(swaps).toEqual([2, 3, 4, 5, 6]);
  });

  it('drops a terminated person at once and coalesces a burst into few swaps', async () => {
    view = new StoreDirectoryView(store, { baseDN: BASE, serviceAccounts: [], coalesceMs: 10 });
    await view.start();
    const victims = identities.filter((i) => i.state === 'active').slice(0, 20);
    const before = view.current().version;
    await Promise.all(victims.map((v) => store.updateIdentity(v.id, (cur) => ({ identity: { ...cur, state: 'terminated' } }))));
    await within(100, () => victims.every((v) => view.current().bindSubject(dnOf(v.username)) === undefined));
    expect(view.current().version - before).toBeLessThan(5);
  });

  it('keeps the last good snapshot when a refresh fails, and catches up once the store answers again', async () => {
    let broken = false;
    const flaky: DirectoryReader = {
      listIdentities: () => store.listIdentities(),
      listGroups: () => store.listGroups(),
      latestChangeSeq: () => store.latestChangeSeq(),
      changesSince: (seq, limit) => store.changesSince(seq, limit),
      getIdentities: async (ids) => {
        if (broken) throw new Error('store unavailable');
        return store.getIdentities(ids);
      },
      onChange: (l) => store.onChange(l),
    };
    const { lines, log } = recordingLog();
    view = new StoreDirectoryView(flaky, { baseDN: BASE, serviceAccounts: [], log, pollMs: 50 });
    await view.start();
    const good = view.current();
    const someone = identities.find((i) => i.state === 'active')!;

    broken = true;
    await store.updateIdentity(someone.id, (cur) => ({ identity: { ...cur, state: 'terminated' } }));
    await within(500, () => lines.some((l) => l.level === 'error'));
    expect(view.current()).toBe(good);
    expect(view.current().entry(dnOf(someone.username))).toBeDefined();
    expect(lines.find((l) => l.level === 'error')!.o).toMatchObject({ err: 'Error: store unavailable' });

    broken = false; // the 50 ms poll retries from the last applied sequence
    await within(1000, () => view.current().entry(dnOf(someone.username)) === undefined);
  });

  it('rebuilds when a new group is committed, so its members appear in it', async () => {
    view = new StoreDirectoryView(store, { baseDN: BASE, serviceAccounts: [] });
    await view.start();
    const someone = identities.find((i) => i.state === 'active')!;
    await store.commit({
      groups: [{ name: 'brand-new', gidNumber: 30001, description: null, origin: 'test', createdAt: '2026-01-15T09:00:00Z' }],
    });
    await store.updateIdentity(someone.id, (cur) => ({
      identity: { ...cur, entitlements: [...cur.entitlements, { kind: 'group', name: 'brand-new', rule: 'test' }] },
    }));
    await within(500, () =>
      (view.current().entry(`cn=brand-new,ou=groups,${BASE}`)?.attrs.get('memberuid')?.values ?? []).includes(someone.username),
    );
  });

  it('refuses to serve before start()', () => {
    view = new StoreDirectoryView(store, { baseDN: BASE, serviceAccounts: [] });
    expect(() => view.current()).toThrow(/not started/);
  });
});

describe('StoreDirectoryView across instances through Redis pub/sub', () => {
  const channel = `idsync:test:ldap-view:${randomUUID()}`;
  let redis: Redis;
  let feed: RedisChangeFeed;
  let views: StoreDirectoryView[] = [];

  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });
    feed = redisChangeFeed(redis, channel, silentLogger);
    await feed.listen();
  });

  afterEach(async () => {
    await Promise.all(views.map((v) => v.close()));
    views = [];
  });

  afterAll(async () => {
    await feed.close();
    await redis.quit();
  });

  it('shows a change committed elsewhere within 1 s, driven by the published sequence alone', async () => {
    const { store, identities } = await seededStore(200);
    // The other instance shares the store but not the process: no in-process notifications, and the
    // safety-net poll is slowed to a minute so only the Redis message can bring the change in.
    const remoteReader: DirectoryReader = {
      listIdentities: () => store.listIdentities(),
      listGroups: () => store.listGroups(),
      latestChangeSeq: () => store.latestChangeSeq(),
      changesSince: (seq, limit) => store.changesSince(seq, limit),
      getIdentities: (ids) => store.getIdentities(ids),
      onChange: () => () => {},
    };
    const remote = new StoreDirectoryView(remoteReader, { baseDN: BASE, serviceAccounts: [], changes: feed, pollMs: 60000 });
    views.push(remote);
    await remote.start();
    const someone = identities.find((i) => i.state === 'active')!;

    await store.updateIdentity(someone.id, (cur) => ({ identity: { ...cur, state: 'suspended' } }));
    const started = Date.now();
    await feed.publish(await store.latestChangeSeq());
    await within(1000, () => remote.current().bindSubject(dnOf(someone.username))?.kind === 'person' &&
      (remote.current().bindSubject(dnOf(someone.username)) as { state: string }).state === 'suspended');
    expect(Date.now() - started).toBeLessThan(1000);
    await store.close();
  });

  it('falls back to polling the change feed when a message is lost', async () => {
    const { store, identities } = await seededStore(100);
    const quiet: DirectoryReader = { ...bind(store), onChange: () => () => {} };
    const remote = new StoreDirectoryView(quiet, { baseDN: BASE, serviceAccounts: [], changes: feed, pollMs: 200 });
    views.push(remote);
    await remote.start();
    const someone = identities.find((i) => i.state === 'active')!;
    await store.updateIdentity(someone.id, (cur) => ({ identity: { ...cur, state: 'terminated' } }));
    // nothing published
    await within(1000, () => remote.current().entry(dnOf(someone.username)) === undefined);
    await store.close();
  });
});

function bind(store: MemoryStore): Omit<DirectoryReader, 'onChange'> {
  return {
    listIdentities: () => store.listIdentities(),
    listGroups: () => store.listGroups(),
    latestChangeSeq: () => store.latestChangeSeq(),
    changesSince: (seq, limit) => store.changesSince(seq, limit),
    getIdentities: (ids) => store.getIdentities(ids),
  };
}
