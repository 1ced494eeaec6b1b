// LDAP benchmark: the same generated directory in idsync (its real server in a child process) and in
// a private OpenLDAP slapd (back-mdb, same indexes), driven by the same ldapts client load:
// indexed equality searches (both servers in alternating rounds), then person binds, then a paged
// full listing, five times on each server in alternating order (the ratio is of the medians). The
// machine's load average at start and end goes into the output. Then 100,000 people and 5,000
// groups in idsync alone: paged full listing time and RSS. Prints one JSON line.
//
//   npm run bench:ldap [-- --people 10000 --groups 500 --clients 8 --searches 16000 --warmup 3000 --binds 800 --listings 5]
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { Client } from 'ldapts';
import pino from 'pino';
import { ldapSchema } from '../src/config/sections/ldap';
import type { DirectorySnapshot, DirectoryView } from '../src/ldap/contract';
import { argon2Hasher } from '../src/ldap/auth/passwords';
import { startLdapServer } from '../src/ldap/server';
import { buildSnapshot } from '../src/ldap/view/snapshot';
import { MemoryCredentialStore } from '../src/storage/memory/credential-store';
import { startSlapd } from '../test/helpers/slapd';
import { generateDirectory } from './lib/gen-directory';
import { toLdif } from './lib/gen-directory';

const run = promisify(execFile);
const BASE = 'dc=example,dc=com';
const PEOPLE_DN = `ou=people,${BASE}`;
const SVC_PW = 'bench-service-pw';
const bindPassword = (uid: string): string => `pw-${uid}-bench`;
// What nslcd/sssd ask for, and what both servers hold (slapd's copy has no memberOf or AD attributes):
// comparing the same bytes on the wire keeps the client's own parsing cost out of the ratio.
const ATTRS = ['uid', 'cn', 'sn', 'givenName', 'mail', 'uidNumber', 'gidNumber', 'homeDirectory', 'loginShell', 'gecos'];

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

interface ServeRequest {
  people: number;
  groups: number;
  bindUsers: string[];
}

class StaticView implements DirectoryView {
  constructor(private snap: DirectorySnapshot) {}
  current = (): DirectorySnapshot => this.snap;
  start = async (): Promise<void> => undefined;
  close = async (): Promise<void> => undefined;
  onSwap = (): (() => void) => () => undefined;
}

/**
 * The view built from generated data. The identities are dropped once it is built, as the daemon's
 * StoreDirectoryView drops what the store returned: RSS then measures the view, not the generator.
 */
function generatedSnapshot(req: ServeRequest): DirectorySnapshot {
  const data = generateDirectory(req.people, req.groups, 1);
  return buildSnapshot(data.identities, data.groups, { baseDN: BASE, serviceAccounts: ['bench'] });
}

/** Child process: the idsync frontend as it runs in production (argon2id hashes, per-op info logs). */
async function serve(req: ServeRequest): Promise<void> {
  const started = performance.now();
  const snapshot = generatedSnapshot(req);
  const buildMs = performance.now() - started;
  const credentials = new MemoryCredentialStore();
  await Promise.all(req.bindUsers.map(async (u) => credentials.setPasswordHash(u, await argon2Hasher.hash(bindPassword(u)), '')));
  const config = ldapSchema.parse({
    baseDN: BASE,
    listen: ['ldap://127.0.0.1:0'],
    serviceAccounts: [{ name: 'bench', password: SVC_PW }],
    lockout: { maxFailuresPerAddressPerMinute: 1_000_000 },
    limits: { maxConnectionsPerAddress: 1000 },
  });
  const devNull = new Writable({ write: (_c, _e, cb) => cb() });
  const server = await startLdapServer({ config, view: new StaticView(snapshot), credentials, log: pino({ level: 'info' }, devNull) });
  // Steady state, not the build's transient garbage: collect, let V8's background unmapper return the
  // freed pages, collect again. Peak RSS (the build) is reported beside it.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await new Promise((r) => setTimeout(r, 250));
  gc?.();
  const mem = process.memoryUsage();
  const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  const rssMB = Math.round(mem.rss / 1048576);
  const heapUsedMB = Math.round(mem.heapUsed / 1048576);
  process.send?.({ url: server.addresses()[0].url, buildMs: Math.round(buildMs), rssMB, peakRssMB, heapUsedMB, entries: snapshot.entryCount });
}

async function startIdsync(req: ServeRequest): Promise<{ url: string; buildMs: number; rssMB: number; peakRssMB: number; heapUsedMB: number; child: ChildProcess }> {
  const child = fork(__filename, ['--serve', JSON.stringify(req)], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const info = await new Promise<{ url: string; buildMs: number; rssMB: number; peakRssMB: number; heapUsedMB: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { url: string; buildMs: number; rssMB: number; peakRssMB: number; heapUsedMB: number }));
    child.once('exit', (code) => reject(new Error(`idsync bench server exited with ${code}`)));
  });
  return { ...info, child };
}

function ssha(pw: string): string {
  const salt = randomBytes(8);
  return `{SSHA}${Buffer.concat([createHash('sha1').update(pw).update(salt).digest(), salt]).toString('base64')}`;
}

interface Stats {
  ops: number;
  perSecond: number;
  p50ms: number;
  p99ms: number;
}

function stats(latencies: number[], wallMs: number): Stats {
  const sorted = [...latencies].sort((a, b) => a - b);
  const q = (p: number): number => +sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(3);
  return { ops: sorted.length, perSecond: Math.round((sorted.length / wallMs) * 1000), p50ms: q(0.5), p99ms: q(0.99) };
}

interface Sample {
  latencies: number[];
  wallMs: number;
}

/** `total` operations spread over `clients` connections, each running its share back to back. */
async function drive(clients: Client[], total: number, op: (c: Client, i: number) => Promise<void>, offset = 0): Promise<Sample> {
  const latencies: number[] = [];
  const started = performance.now();
  let next = 0;
  await Promise.all(
    clients.map(async (c) => {
      while (next < total) {
        const i = offset + next++;
        const t = performance.now();
        await op(c, i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, wallMs: performance.now() - started };
}

const statsOf = (samples: Sample[]): Stats =>
  stats(samples.flatMap((x) => x.latencies), samples.reduce((ms, x) => ms + x.wallMs, 0));

/**
 * A paged full listing with OpenLDAP's own C client (what nslcd-style clients cost), so the time is
 * the server's and not a JavaScript client's parsing of 100,000 entries.
 */
async function pagedListing(url: string, bindDN: string, pw: string): Promise<{ ms: number; entries: number; bindMs: number }> {
  const bindMs = await bindOnly(url, bindDN, pw);
  const t = performance.now();
  const { stdout } = await run(
    'ldapsearch',
    ['-x', '-LLL', '-o', 'ldif-wrap=no', '-H', url, '-D', bindDN, '-w', pw, '-b', PEOPLE_DN, '-s', 'one', '-E', 'pr=500/noprompt', '(objectClass=posixAccount)', ...ATTRS],
    { maxBuffer: 1024 * 1024 * 1024 },
  );
  const ms = Math.round(performance.now() - t);
  return { ms, entries: stdout.split('\n').filter((l) => l.startsWith('dn: ')).length, bindMs };
}

/**
 * Median of three ldapwhoami runs with the listing's credentials: the part of the listing's time that
 * is process start, connect and bind (argon2id for idsync's service account, a plain rootpw for slapd).
 */
async function bindOnly(url: string, bindDN: string, pw: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await run('ldapwhoami', ['-x', '-H', url, '-D', bindDN, '-w', pw]);
    times.push(performance.now() - t);
  }
  return Math.round(times.sort((a, b) => a - b)[1]);
}

async function openClients(url: string, bindDN: string, pw: string, n: number): Promise<Client[]> {
  return Promise.all(Array.from({ length: n }, async () => {
    const c = new Client({ url, timeout: 30_000 });
    await c.bind(bindDN, pw);
    return c;
  }));
}

function lookupOp(uids: string[]): (c: Client, i: number) => Promise<void> {
  return (c, i) =>
    c.search(PEOPLE_DN, { filter: `(uid=${uids[(i * 7919) % uids.length]})`, attributes: ATTRS }).then((r) => {
      if (r.searchEntries.length !== 1) throw new Error(`expected one entry for uid ${uids[(i * 7919) % uids.length]}`);
    });
}

/**
 * The indexed searches, interleaved: both servers get the same lookups in alternating rounds
 * (A B, B A, ...), so a change in the machine's load during the run weighs on both alike instead of
 * on whichever server happened to run second.
 */
async function searchRounds(ours: Client[], theirs: Client[], uids: string[], searches: number, warmup: number, rounds = 8): Promise<[Stats, Stats]> {
  const lookup = lookupOp(uids);
  // Warm-up, the same for both: steady state is what a daemon serves, and 500 lookups left both
  // idsync's and the (shared) ldapts client's hot code unoptimised, inflating tails of the first side.
  await drive(ours, warmup, lookup);
  await drive(theirs, warmup, lookup);
  const per = Math.ceil(searches / rounds);
  const a: Sample[] = [];
  const b: Sample[] = [];
  for (let r = 0; r < rounds; r++) {
    const n = Math.min(per, searches - r * per);
    if (r % 2 === 0) {
      a.push(await drive(ours, n, lookup, r * per));
      b.push(await drive(theirs, n, lookup, r * per));
    } else {
      b.push(await drive(theirs, n, lookup, r * per));
      a.push(await drive(ours, n, lookup, r * per));
    }
  }
  return [statsOf(a), statsOf(b)];
}

/** After the searches: person binds on the same connections. */
async function personBinds(clients: Client[], bindUsers: string[], binds: number): Promise<Stats> {
  const bind = statsOf([
    await drive(clients, binds, (c, i) => {
      const u = bindUsers[i % bindUsers.length];
      return c.bind(`uid=${u},${PEOPLE_DN}`, bindPassword(u));
    }),
  ]);
  await Promise.all(clients.map((c) => c.unbind()));
  return bind;
}

interface ListingSide {
  url: string;
  bindDN: string;
  pw: string;
}

/**
 * Paged full listings, alternating servers (A B, B A, ...) as the searches do, so one burst of load
 * from elsewhere on the machine cannot decide the comparison; the ratio is of the medians.
 */
async function listingRounds(ours: ListingSide, theirs: ListingSide, rounds: number) {
  const a: Awaited<ReturnType<typeof pagedListing>>[] = [];
  const b: typeof a = [];
  const list = (s: ListingSide) => pagedListing(s.url, s.bindDN, s.pw);
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      a.push(await list(ours));
      b.push(await list(theirs));
    } else {
      b.push(await list(theirs));
      a.push(await list(ours));
    }
  }
  const summary = (xs: typeof a) => ({ ms: median(xs.map((x) => x.ms)), runsMs: xs.map((x) => x.ms), entries: xs[0]!.entries, bindMs: median(xs.map((x) => x.bindMs)) });
  return [summary(a), summary(b)] as const;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const people = arg('people', 10000);
  const groups = arg('groups', 500);
  const load = { clients: arg('clients', 8), searches: arg('searches', 16000), binds: arg('binds', 800), warmup: arg('warmup', 3000), listings: arg('listings', 5) };
  const loadAtStart = loadavg().map((l) => +l.toFixed(2));
  const data = generateDirectory(people, groups, 1);
  const active = data.identities.filter((i) => i.state === 'active');
  const uids = data.identities.filter((i) => i.state !== 'terminated').map((i) => i.username);
  const bindUsers = active.slice(0, 200).map((i) => i.username);

  const idsync = await startIdsync({ people, groups, bindUsers });
  const slapd = await startSlapd({ suffix: BASE, indexes: ['uid eq', 'cn eq', 'mail eq', 'uidNumber eq', 'gidNumber eq', 'memberUid eq', 'member eq'] });
  try {
    const ldif = join(slapd.dir, 'bench.ldif');
    const passwords = bindUsers.map((u) => `dn: uid=${u},${PEOPLE_DN}\nchangetype: modify\nreplace: userPassword\nuserPassword: ${ssha(bindPassword(u))}\n`);
    writeFileSync(ldif, toLdif(data, { baseDN: BASE }));
    writeFileSync(`${ldif}.pw`, passwords.join('\n'));
    const t = performance.now();
    await run('ldapadd', ['-x', '-H', slapd.url, '-D', slapd.rootDN, '-w', slapd.rootPassword, '-f', ldif], { maxBuffer: 256 * 1024 * 1024 });
    await run('ldapmodify', ['-x', '-H', slapd.url, '-D', slapd.rootDN, '-w', slapd.rootPassword, '-f', `${ldif}.pw`], { maxBuffer: 64 * 1024 * 1024 });
    const slapdLoadMs = Math.round(performance.now() - t);

    const ourDN = `cn=bench,ou=services,${BASE}`;
    const ourClients = await openClients(idsync.url, ourDN, SVC_PW, load.clients);
    const theirClients = await openClients(slapd.url, slapd.rootDN, slapd.rootPassword, load.clients);
    const [ourSearch, theirSearch] = await searchRounds(ourClients, theirClients, uids, load.searches, load.warmup);
    const ourBind = await personBinds(ourClients, bindUsers, load.binds);
    const theirBind = await personBinds(theirClients, bindUsers, load.binds);
    const [ourListing, theirListing] = await listingRounds(
      { url: idsync.url, bindDN: ourDN, pw: SVC_PW },
      { url: slapd.url, bindDN: slapd.rootDN, pw: slapd.rootPassword },
      load.listings,
    );
    const ours = { search: ourSearch, bind: ourBind, pagedListing: ourListing };
    const theirs = { search: theirSearch, bind: theirBind, pagedListing: theirListing };
    idsync.child.kill();

    const big = await startIdsync({ people: 100000, groups: 5000, bindUsers: [] });
    const bigListing = await pagedListing(big.url, `cn=bench,ou=services,${BASE}`, SVC_PW);
    big.child.kill();

    const ratio = (a: number, b: number): number => +(a / b).toFixed(2);
    console.log(
      JSON.stringify({
        directory: { people, groups, clients: load.clients, searches: load.searches, warmupSearches: load.warmup, binds: load.binds, listings: load.listings },
        loadAverage: { start: loadAtStart, end: loadavg().map((l) => +l.toFixed(2)), cpus: availableParallelism() },
        idsync: { ...ours, buildMs: idsync.buildMs, rssMB: idsync.rssMB, heapUsedMB: idsync.heapUsedMB, passwordHash: 'argon2id m=19MiB t=2' },
        slapd: { ...theirs, loadMs: slapdLoadMs, passwordHash: 'SSHA' },
        ratios: {
          searchThroughput: ratio(ours.search.perSecond, theirs.search.perSecond),
          searchP99: ratio(ours.search.p99ms, theirs.search.p99ms),
          bindThroughput: ratio(ours.bind.perSecond, theirs.bind.perSecond),
          pagedListingTime: ratio(ours.pagedListing.ms, theirs.pagedListing.ms),
        },
        large: { people: 100000, groups: 5000, buildMs: big.buildMs, rssMB: big.rssMB, peakRssMB: big.peakRssMB, heapUsedMB: big.heapUsedMB, pagedListingMs: bigListing.ms, entries: bigListing.entries, targets: { pagedListingMs: 5000, rssMB: 500 } },
      }),
    );
  } finally {
    idsync.child.kill();
    await slapd.stop();
  }
}

if (process.argv[2] === '--serve') {
  serve(JSON.parse(process.argv[3]) as ServeRequest).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
