// Source groups end to end over real SQLite: a directory source's groups and memberships are stored
// with the source as origin, grant roles, are served by the LDAP view (nested, IN_CHAIN, memberOf,
// read with OpenLDAP's ldapsearch), survive an incomplete read, and a mass removal is held.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { ldapSchema } from '../../src/config/sections/ldap';
import { sourceSchema, type SourceConfig } from '../../src/config/sections/sources';
import { createRolePolicy } from '../../src/domain/roles';
import type { RoleConfig } from '../../src/domain/roles/types';
import type { Group } from '../../src/domain/types';
import { startLdapServer, type LdapServerHandle } from '../../src/ldap/server';
import { StoreDirectoryView } from '../../src/ldap/view';
import { noTargetsPlanner } from '../../src/ports/access-policy';
import { ManualClock } from '../../src/ports/clock';
import type { IdentityStore } from '../../src/ports/identity-store';
import type { RawGroup, RawRecord, SourceConnector, SourceSnapshot } from '../../src/ports/source-connector';
import { departmentGroupsPolicy } from '../../src/services/policy/department-groups';
import { SyncService, silentLogger } from '../../src/services/sync';
import { openStore } from '../../src/storage';
import { MemoryCredentialStore } from '../../src/storage/memory/credential-store';

const run = promisify(execFile);
const BASE = 'dc=example,dc=com';
const APP_DN = `cn=app,ou=services,${BASE}`;
const APP_PW = 'app-secret-1';
const identity = { uidNumberStart: 10000, gidNumberStart: 20000, defaultGroup: 'staff', usernameMaxLength: 20 };
const roles: RoleConfig[] = [{ name: 'developers', when: '"eng-Engineering" in groups', include: [], groups: [], targets: { app: { groups: ['dev'] } } }];

/** A directory source whose next read the test decides, as the vendor fakes would answer it. */
class ScriptedSource implements SourceConnector {
  readonly name = 'entra';
  readonly kind = 'entra';
  readonly authoritative = true;
  next: SourceSnapshot | null = null;
  async read(): Promise<SourceSnapshot> {
    if (!this.next) throw new Error('no snapshot scripted');
    return this.next;
  }
}

const person = (id: string, given: string, sn: string): RawRecord => ({
  externalId: id,
  attributes: { employeeId: `E-${id}`, givenName: given, sn, mail: `${given.toLowerCase()}@example.com`, status: 'active', department: 'R&D' },
});
const PEOPLE = [person('u1', 'Ada', 'Lovelace'), person('u2', 'Bob', 'Builder'), person('u3', 'Cy', 'Young'), person('u4', 'Di', 'Prince')];

function full(groups: RawGroup[], complete = true): SourceSnapshot {
  return { mode: 'full', complete, records: PEOPLE, groups, problems: [], incompleteReason: complete ? null : 'page 2 of groups: 503 after 3 attempts', watermark: null };
}

async function ldapsearch(url: string, args: string[]): Promise<string> {
  const { stdout } = await run('ldapsearch', ['-LLL', '-o', 'ldif-wrap=no', '-x', '-H', url, '-D', APP_DN, '-w', APP_PW, ...args]);
  return stdout;
}
const dns = (ldif: string): string[] => ldif.split('\n').filter((l) => l.startsWith('dn: ')).map((l) => l.slice(4)).sort();
const values = (ldif: string, attr: string): string[] => ldif.split('\n').filter((l) => l.startsWith(`${attr}: `)).map((l) => l.slice(attr.length + 2)).sort();

describe('groups from a directory source, over SQLite and the LDAP view', () => {
  let dir: string;
  let store: IdentityStore;
  let sync: SyncService;
  let cfg: SourceConfig;
  const source = new ScriptedSource();
  const clock = new ManualClock(new Date('2026-03-10T08:00:00Z'));
  const idOf = async (username: string) => (await store.getIdentity({ by: 'username', value: username }))!.id;
  const group = async (name: string) => (await store.getGroup(name)) as Group;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idsync-srcgroups-'));
    store = await openStore({ kind: 'sqlite', path: 'idsync.db' }, { baseDir: dir });
    cfg = sourceSchema.parse({
      name: 'entra',
      kind: 'entra',
      tenantId: 't',
      clientId: 'c',
      clientSecret: 's',
      groups: { prefix: 'eng-' },
      safety: { maxRemovalPercent: 30 },
    });
    const policy = createRolePolicy(roles, [{ name: 'app' }], departmentGroupsPolicy);
    sync = new SyncService({ store, clock, policy, planner: noTargetsPlanner, identity, log: silentLogger, sources: [cfg] });
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const engineering = (members: string[]): RawGroup => ({ externalId: 'g-eng', name: 'Engineering', description: 'all engineers', members, memberGroups: ['g-plat'] });
  const platform = (members: string[]): RawGroup => ({ externalId: 'g-plat', name: 'Platform', members, memberGroups: [] });

  it('stores the groups prefixed, with the source as origin, members as identities and nesting; a role follows them', async () => {
    source.next = full([engineering(['u1', 'u2']), platform(['u3'])]);
    const report = await sync.runSource(source, cfg);
    expect(report.status).toBe('applied');
    expect(report.groups).toMatchObject({ created: 2, membersAdded: 3 });
    const eng = await group('eng-Engineering');
    expect(eng).toMatchObject({ origin: 'source:entra', externalId: 'g-eng', description: 'all engineers', memberGroups: ['eng-Platform'] });
    expect(eng.members).toEqual([await idOf('alovelace'), await idOf('bbuilder')].sort());
    expect((await group('eng-Platform')).members).toEqual([await idOf('cyoung')]);
    expect(eng.gidNumber).toBeGreaterThanOrEqual(20000);
    // the role condition sees the groups, nesting included: Cy is in Engineering through Platform
    for (const [username, granted] of [['alovelace', true], ['cyoung', true], ['dprince', false]] as const) {
      const who = await store.getIdentity({ by: 'username', value: username });
      expect(who!.entitlements.some((e) => e.kind === 'account' && e.name === 'app' && e.rule === 'role:developers')).toBe(granted);
    }
    const audit = await store.auditOfSubject('eng-Engineering');
    expect(audit.map((a) => a.action)).toEqual(['group.create', 'group.member.add']);
    expect(audit[0].after).toMatchObject({ origin: 'source:entra', externalId: 'g-eng', gidNumber: eng.gidNumber });
  });

  describe('served by the LDAP view', () => {
    let view: StoreDirectoryView;
    let server: LdapServerHandle;
    let url: string;

    beforeAll(async () => {
      view = new StoreDirectoryView(store, { baseDN: BASE, serviceAccounts: ['app'] });
      await view.start();
      const config = ldapSchema.parse({ baseDN: BASE, listen: ['ldap://127.0.0.1:0'], serviceAccounts: [{ name: 'app', password: APP_PW }] });
      server = await startLdapServer({ config, view, credentials: new MemoryCredentialStore(), log: pino({ level: 'silent' }) });
      url = server.addresses()[0].url;
    });

    afterAll(async () => {
      await server.close();
      await view.close();
    });

    it('as groupOfNames + posixGroup with gidNumber, member DNs, nested member groups and the source as businessCategory', async () => {
      const ldif = await ldapsearch(url, ['-b', `ou=groups,${BASE}`, '(cn=eng-Engineering)', '*']);
      expect(values(ldif, 'objectClass')).toEqual(['groupOfNames', 'posixGroup', 'top']);
      expect(values(ldif, 'gidNumber')).toEqual([String((await group('eng-Engineering')).gidNumber)]);
      expect(values(ldif, 'member')).toEqual([`cn=eng-Platform,ou=groups,${BASE}`, `uid=alovelace,ou=people,${BASE}`, `uid=bbuilder,ou=people,${BASE}`]);
      expect(values(ldif, 'memberUid')).toEqual(['alovelace', 'bbuilder']);
      expect(values(ldif, 'businessCategory')).toEqual(['source:entra']);
      expect(dns(await ldapsearch(url, ['-b', `ou=groups,${BASE}`, '(businessCategory=source:entra)', 'cn']))).toEqual([
        `cn=eng-Engineering,ou=groups,${BASE}`,
        `cn=eng-Platform,ou=groups,${BASE}`,
      ]);
    });

    it('answers LDAP_MATCHING_RULE_IN_CHAIN over the nested group, and memberOf on people', async () => {
      const chain = await ldapsearch(url, ['-b', `ou=people,${BASE}`, `(memberOf:1.2.840.113556.1.4.1941:=cn=eng-Engineering,ou=groups,${BASE})`, 'uid']);
      expect(values(chain, 'uid')).toEqual(['alovelace', 'bbuilder', 'cyoung']);
      const direct = await ldapsearch(url, ['-b', `ou=people,${BASE}`, `(memberOf=cn=eng-Engineering,ou=groups,${BASE})`, 'uid']);
      expect(values(direct, 'uid')).toEqual(['alovelace', 'bbuilder']);
      const cy = await ldapsearch(url, ['-b', `ou=people,${BASE}`, '(uid=cyoung)', 'memberOf']);
      expect(values(cy, 'memberOf')).toContain(`cn=eng-Platform,ou=groups,${BASE}`);
    });
  });

  it('an incomplete read adds members but removes none and deletes no group', async () => {
    source.next = full([engineering(['u1', 'u4'])], false);
    const report = await sync.runSource(source, cfg);
    expect(report.status).toBe('incomplete');
    const eng = await group('eng-Engineering');
    expect(eng.members).toEqual([await idOf('alovelace'), await idOf('bbuilder'), await idOf('dprince')].sort());
    expect(eng.memberGroups).toEqual(['eng-Platform']);
    expect((await group('eng-Platform')).members).toEqual([await idOf('cyoung')]);
  });

  it('shows member removals and the role they take away in the dry run, then applies them with audit', async () => {
    source.next = full([engineering(['u1', 'u4']), platform(['u3'])]);
    const dry = await sync.runSource(source, cfg, { dryRun: true });
    expect(dry.plan).toContain('~ group eng-Engineering -member bbuilder');
    expect(dry.plan).toContain('~ bbuilder -account app');
    expect((await group('eng-Engineering')).members).toContain(await idOf('bbuilder'));
    const applied = await sync.runSource(source, cfg);
    expect(applied.status).toBe('applied');
    expect((await group('eng-Engineering')).members).not.toContain(await idOf('bbuilder'));
    const bob = await store.getIdentity({ by: 'username', value: 'bbuilder' });
    expect(bob!.entitlements.some((e) => e.rule === 'role:developers')).toBe(false);
    const removal = (await store.auditOfSubject('eng-Engineering')).find((a) => a.action === 'group.member.remove');
    expect(removal?.before).toEqual({ members: [bob!.id] });
  });

  it('holds a run that would delete every group, applies it once allowed, and a restored group gets its gidNumber back', async () => {
    const held = await runWithFloor(0, full([]));
    expect(held.status).toBe('held');
    expect(held.reason).toMatch(/empty or delete 2 of 2 groups/);
    expect((await group('eng-Platform')).members).toHaveLength(1);
    const gid = (await group('eng-Platform')).gidNumber;
    const allowed = await sync.allowRun(held.id, { kind: 'helpdesk', id: 'alice' });
    expect(allowed.status).toBe('allowed');
    expect(await store.getGroup('eng-Platform')).toBeNull();
    const tombstone = (await store.listGroups()).find((g) => g.externalId === 'g-plat');
    expect(tombstone).toMatchObject({ gidNumber: gid, formerName: 'eng-Platform', members: [] });
    expect(tombstone?.deletedAt).toBeTruthy();
    source.next = full([engineering(['u1']), platform(['u3'])]);
    const restored = await sync.runSource(source, cfg);
    expect(restored.groups).toMatchObject({ restored: 2 });
    expect(await group('eng-Platform')).toMatchObject({ gidNumber: gid, externalId: 'g-plat' });
    expect((await store.listGroups()).filter((g) => g.externalId === 'g-plat')).toHaveLength(1);
  });

  it('applies a delta read: changed memberships only, removed groups become tombstones', async () => {
    source.next = {
      mode: 'delta',
      complete: true,
      records: [],
      groups: [{ externalId: 'g-plat', name: 'Platform', memberChanges: { added: ['u4'], removed: ['u3'] } }],
      removedGroups: ['g-eng'],
      problems: [],
      incompleteReason: null,
      watermark: 'delta-1',
    };
    const report = await sync.runSource(source, cfg);
    expect(report.groups).toMatchObject({ deleted: 1, updated: 1, membersAdded: 1 });
    expect((await group('eng-Platform')).members).toEqual([await idOf('dprince')]);
    expect(await store.getGroup('eng-Engineering')).toBeNull();
    expect((await store.listGroups()).find((g) => g.externalId === 'g-eng')).toMatchObject({ formerName: 'eng-Engineering', members: [] });
    expect((await store.auditOfSubject('eng-Engineering')).at(-1)?.action).toBe('group.delete');
    // nobody is in Engineering any more: the role it granted is gone
    const ada = await store.getIdentity({ by: 'username', value: 'alovelace' });
    expect(ada!.entitlements.some((e) => e.rule === 'role:developers')).toBe(false);
  });

  async function runWithFloor(floor: number, snapshot: SourceSnapshot) {
    const strict = sourceSchema.parse({ ...cfg, safety: { ...cfg.safety, groupChangeFloor: floor } });
    source.next = snapshot;
    return sync.runSource(source, strict);
  }
});
