/**
 * Source connector conformance suite: `runSourceConformance(name, makeHarness)`.
 *
 * One test file per source kind (test/conformance/sources-<kind>.test.ts) calls it with a harness
 * that drives that kind's peer (a local fake, a temp file, a slapd). The suite owns the people and
 * the assertions; the harness only translates.
 *
 * THE HARNESS: `makeHarness` is a `SourceHarnessFactory` = `{ supports, make() }`.
 * - `supports` (known when the file is collected, so jest can register tests) says which cases the
 *   kind can run. A case whose capability is absent is NOT registered (no test passes by asserting
 *   nothing); the kind's test file states which it runs. The `SourceHarness` methods marked
 *   "when supports.X" must exist when the flag is set. `make()` builds a fresh harness per test.
 * - `seed(people)`: the peer now holds exactly these people (previous ones gone). `ConformancePerson.key`
 *   is the suite's handle; `externalIdOf(person)` returns the id the connector will report for them
 *   (the vendor's immutable id: Okta's user id, a CSV's employee id).
 * - `open(deps)`: a connector reading the peer. It must wait only through `deps.sleep` and read
 *   time only from `deps.clock`, so the suite sees rate-limit waits without waiting for real.
 * - every record must carry `givenName`, `sn` and `mail` (canonical names) from the person.
 *
 * Capabilities:
 * - `pages`: the peer serves people in pages of `pageSize`; `userPagesServed()` counts the user-list
 *   pages it has answered since `seed` (every 2xx page answer, not retries).
 * - `faults`: which of 'missing' (404 for a page the cursor names), 'server-error' (5xx every time,
 *   so retries run out), 'unauthorized' (401), 'cut-body' (a JSON body cut short), 'non-json'
 *   (an HTML error page with status 200) `failPage(fault, page)` can inject on the 1-based user-list
 *   page `page`; it lasts until the next `seed`. The read must be `complete: false` with
 *   `incompleteReason` containing `page <n>`.
 * - `rateLimit`: `rateLimitNext(waitMs)` answers the next request 429 with the vendor's header(s)
 *   saying "come back in waitMs"; the connector must sleep at least that long, then finish complete.
 * - `incremental`: `change(person)` stores the person's new attributes and `remove(person)` makes
 *   them leave the vendor's way (deleted, deprovisioned, removed); after a full read, a read with its
 *   watermark returns mode 'delta' with only the changed person and the leaver (in `removed`, or as a
 *   record whose `status` is 'terminated'). `tick()` moves the peer's time on between reads, for
 *   peers whose watermark is a timestamp.
 * - `readOne`: `connector.readOne(externalId)` returns the current record, null for an unknown id.
 * - `keyless`: `addKeyless()` puts in one record with no usable key (no id, empty employee id); the
 *   read reports it in `problems` with a non-empty location and does not return it as a record.
 * - `truncate`: `truncate()` cuts the whole answer short (a file without its end): complete false.
 * - `groups`: the connector is opened with groups read. `seedGroups(groups)` makes the peer hold
 *   exactly these groups (besides any built-in one the vendor always has, which is not reported),
 *   after `seed`; `groupIdOf(key)` is the group's vendor id; `groupPageSize` is the page size of
 *   the group and member listings. `failGroupPage(page)` makes every answer for that 1-based page
 *   of the group listing fail (a 5xx past retries or an error answer): complete false naming
 *   `page <n>`. With `incremental` too, `setGroupMembers(key, people)` changes one group's members
 *   the vendor's way; a read from the full read's watermark lists that group only, with its whole
 *   new member list (`members`) or the matching `memberChanges`.
 */
import type { Clock } from '../../src/ports/clock';
import type { RawRecord, SourceConnector, SourceSnapshot } from '../../src/ports/source-connector';

export interface ConformancePerson {
  key: string;
  givenName: string;
  sn: string;
  mail: string;
  title: string;
}

export interface ConformanceGroup {
  key: string;
  name: string;
  members: ConformancePerson[];
}

export type PageFault = 'missing' | 'server-error' | 'unauthorized' | 'cut-body' | 'non-json';

export interface HarnessDeps {
  clock: Clock;
  sleep(ms: number): Promise<void>;
}

export interface SourceSupports {
  pages?: boolean;
  faults?: PageFault[];
  rateLimit?: boolean;
  incremental?: boolean;
  readOne?: boolean;
  keyless?: boolean;
  truncate?: boolean;
  groups?: boolean;
}

export interface SourceHarnessFactory {
  supports: SourceSupports;
  make(): Promise<SourceHarness>;
}

export interface SourceHarness {
  seed(people: ConformancePerson[]): Promise<void>;
  open(deps: HarnessDeps): Promise<SourceConnector> | SourceConnector;
  externalIdOf(person: ConformancePerson): string;
  /** when supports.pages */
  pageSize?: number;
  userPagesServed?(): number;
  /** when supports.faults */
  failPage?(fault: PageFault, page: number): void;
  /** when supports.rateLimit */
  rateLimitNext?(waitMs: number): void;
  /** when supports.incremental */
  change?(person: ConformancePerson): Promise<void>;
  remove?(person: ConformancePerson): Promise<void>;
  tick?(): Promise<void>;
  /** when supports.keyless */
  addKeyless?(): Promise<void>;
  /** when supports.truncate */
  truncate?(): Promise<void>;
  /** when supports.groups */
  groupPageSize?: number;
  seedGroups?(groups: ConformanceGroup[]): Promise<void>;
  groupIdOf?(key: string): string;
  failGroupPage?(page: number): void;
  /** when supports.groups and supports.incremental */
  setGroupMembers?(key: string, members: ConformancePerson[]): Promise<void>;
  close(): Promise<void>;
}

export function people(count: number, prefix = 'p'): ConformancePerson[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `${prefix}${i + 1}`,
    givenName: `Given${i + 1}`,
    sn: `Family${i + 1}`,
    mail: `${prefix}${i + 1}@example.com`,
    title: 'Engineer',
  }));
}

/** Time the connector sees: moves only when it sleeps, so waits are measured exactly. */
class SuiteClock implements Clock {
  private at = Date.now();
  readonly slept: number[] = [];
  now(): Date {
    return new Date(this.at);
  }
  sleep = async (ms: number): Promise<void> => {
    this.slept.push(ms);
    this.at += ms;
  };
}

const mails = (records: RawRecord[]) => records.map((r) => r.attributes.mail).sort();

export function runSourceConformance(name: string, makeHarness: SourceHarnessFactory): void {
  describe(`source conformance: ${name}`, () => {
    let h: SourceHarness;
    let clock: SuiteClock;
    let connector: SourceConnector | undefined;
    const open = async () => {
      connector = await h.open({ clock, sleep: clock.sleep });
      return connector;
    };

    beforeEach(async () => {
      h = await makeHarness.make();
      clock = new SuiteClock();
      connector = undefined;
    });
    afterEach(async () => {
      await connector?.close?.();
      await h.close();
    });

    it('a full read is complete and returns every person with the canonical attributes', async () => {
      const everyone = people(5);
      await h.seed(everyone);
      const snap = await (await open()).read({ watermark: null });
      expect(snap).toMatchObject({ mode: 'full', complete: true, incompleteReason: null, problems: [] });
      expect(mails(snap.records)).toEqual(everyone.map((p) => p.mail).sort());
      for (const p of everyone) {
        const record = snap.records.find((r) => r.externalId === h.externalIdOf(p));
        expect(record?.attributes).toMatchObject({ givenName: p.givenName, sn: p.sn, mail: p.mail });
      }
    });

    registerOptional(makeHarness.supports, () => h, () => clock, open);
  });
}

function registerOptional(supports: SourceSupports, h: () => SourceHarness, clockOf: () => SuiteClock, open: () => Promise<SourceConnector>): void {
  if (supports.pages) {
    it('fetches every page of a population larger than one page', async () => {
      const size = h().pageSize!;
      const everyone = people(size * 2 + 1);
      await h().seed(everyone);
      const snap = await (await open()).read({ watermark: null });
      expect(snap.complete).toBe(true);
      expect(snap.records).toHaveLength(everyone.length);
      expect(h().userPagesServed!()).toBeGreaterThanOrEqual(3);
    });
  }

  for (const fault of supports.faults ?? []) {
    it(`a ${fault} answer on page 2 makes the read incomplete, naming the page`, async () => {
      const size = h().pageSize ?? 1;
      await h().seed(people(size * 2 + 1));
      h().failPage!(fault, 2);
      const snap = await (await open()).read({ watermark: null });
      expect(snap.complete).toBe(false);
      expect(snap.incompleteReason).toMatch(/page 2\b/);
      checkIncompleteShape(snap);
    });
  }

  if (supports.rateLimit) {
    it('a 429 is honoured (the connector waits as told) and the read then completes', async () => {
      const everyone = people(3);
      await h().seed(everyone);
      h().rateLimitNext!(7000);
      const snap = await (await open()).read({ watermark: null });
      expect(snap.complete).toBe(true);
      expect(snap.records).toHaveLength(3);
      expect(Math.max(0, ...clockOf().slept)).toBeGreaterThanOrEqual(7000);
    });
  }

  if (supports.incremental) {
    it('an incremental read from the saved watermark returns only changes and deletions', async () => {
      const everyone = people(6);
      await h().seed(everyone);
      const connector = await open();
      const first = await connector.read({ watermark: null });
      expect(first.complete).toBe(true);
      expect(first.watermark).toEqual(expect.any(String));
      await h().tick?.();
      const changed = { ...everyone[1], title: 'Staff Engineer' };
      await h().change!(changed);
      await h().remove!(everyone[3]);
      const delta = await connector.read({ watermark: first.watermark });
      expect(delta).toMatchObject({ mode: 'delta', complete: true });
      const changedId = h().externalIdOf(changed);
      const leaverId = h().externalIdOf(everyone[3]);
      expect(delta.records.find((r) => r.externalId === changedId)?.attributes.title).toBe('Staff Engineer');
      const others = delta.records.filter((r) => r.externalId !== changedId && r.externalId !== leaverId);
      expect(others).toEqual([]);
      const leaverRecord = delta.records.find((r) => r.externalId === leaverId);
      const leaverGone = (delta.removed ?? []).includes(leaverId) || leaverRecord?.attributes.status === 'terminated';
      expect(leaverGone).toBe(true);
      expect(delta.watermark).toEqual(expect.any(String));
    });
  }

  if (supports.readOne) {
    it('readOne returns one person now (resync), null for an unknown id', async () => {
      const everyone = people(3);
      await h().seed(everyone);
      const connector = await open();
      const one = await connector.readOne!(h().externalIdOf(everyone[2]));
      expect(one).toMatchObject({ externalId: h().externalIdOf(everyone[2]), attributes: { mail: everyone[2].mail } });
      expect(await connector.readOne!('no-such-person-0000')).toBeNull();
    });
  }

  if (supports.keyless) {
    it('a record with no usable key is reported as a problem with its location, not dropped silently', async () => {
      const everyone = people(3);
      await h().seed(everyone);
      await h().addKeyless!();
      const snap = await (await open()).read({ watermark: null });
      expect(snap.problems.length).toBe(1);
      expect(snap.problems[0].location).toEqual(expect.stringMatching(/\S/));
      expect(snap.problems[0].message).toEqual(expect.stringMatching(/\S/));
      expect(mails(snap.records)).toEqual(everyone.map((p) => p.mail).sort());
      // a person the source could not identify may be anyone: nobody is removed because of that run
      expect(snap.complete).toBe(false);
    });
  }

  if (supports.groups) registerGroupCases(supports, h, open);

  if (supports.truncate) {
    it('an answer cut short makes the read incomplete', async () => {
      await h().seed(people(4));
      await h().truncate!();
      const snap = await (await open()).read({ watermark: null });
      checkIncompleteShape(snap);
    });
  }
}

function registerGroupCases(supports: SourceSupports, h: () => SourceHarness, open: () => Promise<SourceConnector>): void {
  /** more groups than fit a page, and one group with more members than fit a page */
  const layout = (everyone: ConformancePerson[]): ConformanceGroup[] => {
    const size = h().groupPageSize!;
    return Array.from({ length: size * 2 + 1 }, (_, i) => ({
      key: `g${i + 1}`,
      name: `Group ${i + 1}`,
      members: i === 0 ? everyone.slice(0, size * 2 + 1) : everyone.filter((_, j) => j % (i + 1) === 0),
    }));
  };
  const memberIds = (people: ConformancePerson[]) => people.map((p) => h().externalIdOf(p)).sort();

  it('groups: a full read lists every group with its name and whole member list, across pages', async () => {
    const everyone = people(h().groupPageSize! * 2 + 3);
    await h().seed(everyone);
    const groups = layout(everyone);
    await h().seedGroups!(groups);
    const snap = await (await open()).read({ watermark: null });
    expect(snap).toMatchObject({ mode: 'full', complete: true, problems: [] });
    expect(snap.groups).toHaveLength(groups.length);
    for (const g of groups) {
      const got = snap.groups!.find((x) => x.externalId === h().groupIdOf!(g.key));
      expect(got).toMatchObject({ name: g.name });
      expect([...(got?.members ?? [])].sort()).toEqual(memberIds(g.members));
      expect(got?.memberChanges).toBeUndefined();
    }
  });

  it('groups: a failed page of the group listing makes the read incomplete, naming the page', async () => {
    const everyone = people(4);
    await h().seed(everyone);
    await h().seedGroups!(layout(everyone));
    h().failGroupPage!(2);
    const snap = await (await open()).read({ watermark: null });
    expect(snap.complete).toBe(false);
    expect(snap.incompleteReason).toMatch(/groups page 2\b/);
  });

  if (!supports.incremental) return;
  it('groups: an incremental read lists only the group whose members changed, with its members', async () => {
    const everyone = people(6);
    await h().seed(everyone);
    const groups = layout(everyone);
    await h().seedGroups!(groups);
    const connector = await open();
    const first = await connector.read({ watermark: null });
    expect(first.complete).toBe(true);
    await h().tick?.();
    const before = groups[1].members;
    const after = [...before.slice(1), everyone.find((p) => !before.includes(p))!];
    await h().setGroupMembers!(groups[1].key, after);
    const delta = await connector.read({ watermark: first.watermark });
    expect(delta).toMatchObject({ mode: 'delta', complete: true });
    expect(delta.groups?.map((g) => g.externalId)).toEqual([h().groupIdOf!(groups[1].key)]);
    const changed = delta.groups![0];
    if (changed.members) expect([...changed.members].sort()).toEqual(memberIds(after));
    else {
      expect([...changed.memberChanges!.added].sort()).toEqual(memberIds(after.filter((p) => !before.includes(p))));
      expect([...changed.memberChanges!.removed].sort()).toEqual(memberIds(before.filter((p) => !after.includes(p))));
    }
  });
}

function checkIncompleteShape(snap: SourceSnapshot): void {
  expect(snap.complete).toBe(false);
  expect(snap.incompleteReason).toEqual(expect.stringMatching(/\S/));
}
