// What each Okta user status becomes once a run applied it: read from the Okta fake over HTTP by the
// okta source and applied by the SyncService, so the mapping is checked against the lifecycle that
// reads it (a status the lifecycle does not know would make the whole run incomplete).
import { randomBytes } from 'node:crypto';
import { sourceSchema } from '../../src/config/sections/sources';
import { openSource } from '../../src/connectors/sources';
import type { LifecycleState } from '../../src/domain/types';
import { noTargetsPlanner } from '../../src/ports/access-policy';
import { systemClock } from '../../src/ports/clock';
import { departmentGroupsPolicy } from '../../src/services/policy/department-groups';
import { SyncService, silentLogger } from '../../src/services/sync';
import { MemoryStore } from '../../src/storage/memory/memory-store';
import { startOktaFake, type OktaFake, type OktaStatus } from '../fakes/okta';

const EXPECTED: Array<[OktaStatus, LifecycleState]> = [
  ['ACTIVE', 'active'],
  ['PROVISIONED', 'active'],
  ['RECOVERY', 'active'],
  ['LOCKED_OUT', 'active'],
  ['PASSWORD_EXPIRED', 'active'],
  ['SUSPENDED', 'suspended'],
  ['STAGED', 'prehire'],
  ['DEPROVISIONED', 'terminated'],
];

function addUser(okta: OktaFake, login: string, status: OktaStatus, profile: Record<string, string> = {}): void {
  const id = `00u${randomBytes(8).toString('hex')}`;
  const stamp = new Date().toISOString();
  okta.users.set(id, { id, status, created: stamp, lastUpdated: stamp, profile: { firstName: 'Pat', lastName: login, email: `${login}@example.com`, login: `${login}@example.com`, ...profile } });
}

describe('okta user statuses through a sync run', () => {
  let okta: OktaFake;
  beforeAll(async () => {
    okta = await startOktaFake();
  });
  afterAll(() => okta.close());

  it('maps every status to the lifecycle state it means, in one complete run', async () => {
    EXPECTED.forEach(([status], i) => addUser(okta, `person${i}`, status));
    // a STAGED user whose mapped start date lies ahead is a prehire
    addUser(okta, 'future', 'STAGED', { startDate: '2999-01-01' });
    const cfg = sourceSchema.parse({ name: 'okta', kind: 'okta', url: okta.url, token: okta.token, attributes: { startDate: 'profile.startDate' }, safety: { maxRemovals: 100, maxRemovalPercent: 100 } });
    const store = new MemoryStore();
    const identity = { uidNumberStart: 10000, gidNumberStart: 20000, defaultGroup: 'staff', usernameMaxLength: 20 };
    const sync = new SyncService({ store, clock: systemClock, policy: departmentGroupsPolicy, planner: noTargetsPlanner, identity, log: silentLogger, sources: [cfg] });

    const report = await sync.runSource(openSource(cfg, { baseDir: '.' }), cfg);

    expect(report.problems).toEqual([]);
    expect(report.status).toBe('applied');
    const byMail = new Map((await store.listIdentities()).map((i) => [i.attributes.mail, i.state]));
    expect(EXPECTED.map(([status], i) => [status, byMail.get(`person${i}@example.com`)])).toEqual(EXPECTED);
    expect(byMail.get('future@example.com')).toBe('prehire');
  });
});
