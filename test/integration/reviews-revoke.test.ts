// A revoke decision of an access review takes the access away in a real SCIM service provider
// through the outbox, holds across later sync runs, and lapses once the granting rule is redefined.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sourceSchema } from '../../src/config/sections/sources';
import { identitySchema } from '../../src/config/sections/core';
import { rolesSchema, type TargetConfig } from '../../src/config/sections/targets';
import { FakeSource } from '../../src/connectors/sources/fake/fake-source';
import { openTarget } from '../../src/connectors/targets';
import { createIntentPlanner } from '../../src/domain/provisioning';
import { createRolePolicy } from '../../src/domain/roles';
import { OPERATORS_REVIEWER } from '../../src/domain/reviews';
import { systemClock } from '../../src/ports/clock';
import { silentLogger } from '../../src/ports/logger';
import { bullTransport } from '../../src/queue/transport';
import { SyncService } from '../../src/services/sync';
import { ProvisioningService } from '../../src/services/provisioning/service';
import { campaignStatus, startCampaign } from '../../src/services/reviews/campaigns';
import { decideItem, REVIEW_REVOKE_REASON } from '../../src/services/reviews/decide';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store';
import { startScimServer, type ScimServer } from '../fakes/scim-server';
import { deletePrefix, pendingCount, redisClient, startWorld, target, testPrefix, until, type World } from './provisioning-world';

const ENG = { name: 'eng', when: 'department == "Engineering"', groups: ['eng'], targets: { app: { groups: ['developers'] } } };
const rows = (devTitle: string): Array<Record<string, string>> => [
  { employeeId: 'M1', givenName: 'Mia', sn: 'Boss', mail: 'mia@example.com', department: 'Sales', title: 'Head', status: 'active' },
  { employeeId: 'D1', givenName: 'Dev', sn: 'One', mail: 'dev@example.com', department: 'Engineering', title: devTitle, status: 'active', manager: 'M1' },
  { employeeId: 'D2', givenName: 'Dee', sn: 'Two', mail: 'dee@example.com', department: 'Engineering', title: 'Engineer', status: 'active', manager: 'M1' },
];

describe('access review revoke -> SCIM target', () => {
  let dir: string;
  let store: SqliteStore;
  let srv: ScimServer;
  let service: ProvisioningService;
  let targets: TargetConfig[];
  const redis = redisClient();
  const prefix = testPrefix();
  const sourceCfg = sourceSchema.parse({ name: 'hr', kind: 'fake', records: rows('Engineer') });
  const source = new FakeSource(sourceCfg as never);

  const rulesWith = (eng: typeof ENG) => {
    const policy = createRolePolicy(rolesSchema.parse([eng]), targets);
    return { policy, planner: createIntentPlanner(targets) };
  };
  const syncWith = (eng: typeof ENG) =>
    new SyncService({ store, clock: systemClock, ...rulesWith(eng), identity: identitySchema.parse({}), log: silentLogger });
  const scimUser = (userName: string) => [...srv.users.values()].find((u) => u.userName === userName);
  const person = async (employeeId: string) => (await store.getIdentity({ by: 'employeeId', value: employeeId }))!;
  const settled = () => until('the outbox to drain', async () => (await pendingCount(store)) === 0);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idsync-reviews-'));
    store = new SqliteStore(join(dir, 'idsync.db'));
    srv = await startScimServer({ caseInsensitiveFilter: true });
    targets = [target('app', { kind: 'scim', url: srv.url, token: srv.token })];
    service = new ProvisioningService({
      store,
      transport: bullTransport(redis, prefix, silentLogger),
      targets,
      connectors: new Map([['app', openTarget(targets[0])]]),
      sweepIntervalMs: 500,
      staleAfterMs: 1000,
    });
    await service.start();
    await syncWith(ENG).runSource(source, sourceCfg);
    await settled();
    await until('both engineers in the SCIM app', async () => scimUser((await person('D1')).username)?.active && scimUser((await person('D2')).username)?.active);
  });

  afterAll(async () => {
    await service?.close();
    await deletePrefix(redis, prefix);
    redis.disconnect();
    await srv?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('removes the revoked account through the normal path, keeps it removed across sync runs, and lapses when the rule changes', async () => {
    const manager = await person('M1');
    const dev = await person('D1');
    const started = await startCampaign(
      { store, clock: systemClock, known: { roles: ['eng'], targets: ['app'], groups: ['eng'] } },
      { name: 'Q1-2027', scopeKind: 'target', scopeName: 'app', actor: { kind: 'helpdesk', id: 'ops' } },
    );
    expect(started.items).toBe(2);
    expect(started.byReviewer.get(manager.username)).toBe(2);
    const [item] = await store.listReviewItems({ campaignId: started.campaign.id, identityId: dev.id });
    expect(item).toMatchObject({ reviewer: manager.id, rule: 'role:eng', entitlement: { kind: 'account', name: 'app', values: ['developers'] } });

    const actor = { kind: 'helpdesk' as const, id: manager.username };
    const res = await decideItem(
      { store, clock: systemClock, ...rulesWith(ENG) },
      { campaign: 'Q1-2027', itemId: item.id, decision: 'revoke', comment: 'moved to sales', actor, reviewer: { identityId: manager.id, operator: false } },
    );
    expect(res.intents.map((i) => [i.target, i.reason])).toEqual([['app', REVIEW_REVOKE_REASON]]);
    const revoked = await person('D1');
    expect(revoked.entitlements.some((e) => e.kind === 'account' && e.name === 'app')).toBe(false);
    expect(revoked.entitlements).toContainEqual({ kind: 'group', name: 'eng', rule: 'role:eng' });
    await until('the SCIM account disabled', async () => scimUser(dev.username)?.active === false);
    expect(scimUser((await person('D2')).username)?.active).toBe(true);
    const audit = (await store.auditOfSubject(dev.id)).filter((r) => r.action.startsWith('review.'));
    expect(audit.map((r) => [r.action, r.actor])).toEqual([['review.decide', actor], ['review.exception', actor]]);
    expect(audit[0].after).toMatchObject({ decision: 'revoke', comment: 'moved to sales', campaign: 'Q1-2027' });

    // the next sync run recomputes the person (a changed title) and leaves the account out
    source.setRecords(rows('Senior Engineer'));
    const report = await syncWith(ENG).runSource(source, sourceCfg);
    expect(report.counts.updated).toBe(1);
    const after = await person('D1');
    expect(after.attributes.title).toBe('Senior Engineer');
    expect(after.entitlements.some((e) => e.name === 'app')).toBe(false);
    await settled();
    expect(scimUser(dev.username)?.active).toBe(false);

    // the rule's grants change: the exception lapses, the next recompute gives the access back
    const redefined = { ...ENG, targets: { app: { groups: ['developers', 'ci'] } } };
    source.setRecords(rows('Staff Engineer'));
    await syncWith(redefined).runSource(source, sourceCfg);
    expect((await person('D1')).entitlements).toContainEqual({ kind: 'account', name: 'app', values: ['ci', 'developers'], rule: 'role:eng' });
    await until('the SCIM account active again', async () => scimUser(dev.username)?.active === true);
    const [before] = await campaignStatus(store, rulesWith(ENG).policy, 'Q1-2027');
    const [now] = await campaignStatus(store, rulesWith(redefined).policy, 'Q1-2027');
    expect([before.exceptions, now.exceptions]).toEqual([{ live: 1, lapsed: 0 }, { live: 0, lapsed: 1 }]);
  });

  it('refuses a decision by someone the item is not assigned to, and a second decision', async () => {
    const dee = await person('D2');
    const started = await startCampaign(
      { store, clock: systemClock, known: { roles: ['eng'], targets: ['app'], groups: ['eng'] } },
      { name: 'Q2-2027', scopeKind: 'role', scopeName: 'eng', actor: { kind: 'helpdesk', id: 'ops' } },
    );
    const [item] = await store.listReviewItems({ campaignId: started.campaign.id, identityId: dee.id });
    const deps = { store, clock: systemClock, ...rulesWith(ENG) };
    const decide = (identityId: string, operator = false) =>
      decideItem(deps, { campaign: 'Q2-2027', itemId: item.id, decision: 'keep', actor: { kind: 'helpdesk', id: 'x' }, reviewer: { identityId, operator } });
    await expect(decide(dee.id)).rejects.toMatchObject({ status: 403 });
    await expect(decide('someone-else', true)).rejects.toMatchObject({ status: 403 });
    expect(item.reviewer).not.toBe(OPERATORS_REVIEWER);
    await decide(item.reviewer);
    await expect(decide(item.reviewer)).rejects.toMatchObject({ status: 409 });
    const known = { roles: ['eng'], targets: ['app'], groups: ['eng'] };
    await expect(startCampaign({ store, clock: systemClock, known }, { name: 'Q2-2027', actor: { kind: 'helpdesk', id: 'ops' } })).rejects.toMatchObject({ status: 409 });
  });
});

describe('bulk revokes meet the target thresholds', () => {
  let w: World;
  afterAll(async () => w?.close());

  it('holds the removals beyond maxRemovals as a target run', async () => {
    const targets = [target('gitea', { thresholds: { maxRemovals: 1, maxRemovalPercent: 100, windowMs: 600000 } })];
    w = await startWorld(targets);
    const rules = { policy: createRolePolicy(rolesSchema.parse([{ ...ENG, targets: { gitea: { groups: ['developers'] } } }]), targets), planner: createIntentPlanner(targets) };
    const cfg = sourceSchema.parse({ name: 'hr', kind: 'fake', records: rows('Engineer') });
    await new SyncService({ store: w.store, clock: systemClock, ...rules, identity: identitySchema.parse({}), log: silentLogger }).runSource(new FakeSource(cfg as never), cfg);
    await until('two accounts', async () => (await pendingCount(w.store)) === 0 && w.fakes.get('gitea')!.state.all().filter((a) => a.active).length === 2);
    const manager = (await w.store.getIdentity({ by: 'employeeId', value: 'M1' }))!;
    const started = await startCampaign({ store: w.store, clock: systemClock, known: { roles: ['eng'], targets: ['gitea'], groups: [] } }, { name: 'bulk', scopeKind: 'target', scopeName: 'gitea', actor: { kind: 'helpdesk', id: 'ops' } });
    const items = await w.store.listReviewItems({ campaignId: started.campaign.id });
    for (const item of items) {
      await decideItem({ store: w.store, clock: systemClock, ...rules }, { campaign: 'bulk', itemId: item.id, decision: 'revoke', actor: { kind: 'helpdesk', id: manager.username }, reviewer: { identityId: manager.id, operator: false } });
    }
    const [held] = await until('a held target run', async () => {
      const runs = await w.store.listRuns({ source: 'target:gitea', status: ['held'] });
      return runs.length ? runs : null;
    });
    expect(held.reason).toMatch(/exceed maxRemovals 1/);
    await until('one account disabled', async () => w.fakes.get('gitea')!.state.all().filter((a) => !a.active).length === 1);
    expect(w.fakes.get('gitea')!.state.all().filter((a) => a.active)).toHaveLength(1);
  });
});
