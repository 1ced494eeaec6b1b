// The okta source against the Okta fake through the source conformance suite. Runs every case:
// full, pages, faults (missing, server-error, unauthorized, cut-body, non-json), rateLimit,
// incremental, readOne, keyless, groups (with their incremental case).
import { openSource } from '../../src/connectors/sources';
import { startOktaFake, type OktaFake } from '../fakes/okta';
import { runSourceConformance, type ConformancePerson, type PageFault } from './source-connector';

const FAULTS: Record<PageFault, { status: number; body?: unknown }> = {
  missing: { status: 404, body: { errorCode: 'E0000007', errorSummary: 'Not found' } },
  'server-error': { status: 503, body: { errorCode: 'E0000009', errorSummary: 'Internal Server Error' } },
  unauthorized: { status: 401, body: { errorCode: 'E0000011', errorSummary: 'Invalid token provided' } },
  'cut-body': { status: 200, body: '[{"id":"00u1","status":"ACT' },
  'non-json': { status: 200, body: '<html><body>Bad gateway</body></html>' },
};

runSourceConformance('okta', {
  supports: { pages: true, faults: Object.keys(FAULTS) as PageFault[], rateLimit: true, incremental: true, readOne: true, keyless: true, groups: true },
  async make() {
    const o: OktaFake = await startOktaFake();
    const ids = new Map<string, string>();
    const groupIds = new Map<string, string>();
    const profile = (p: ConformancePerson) => ({ firstName: p.givenName, lastName: p.sn, email: p.mail, login: p.mail, title: p.title });
    const stamp = () => new Date().toISOString();
    return {
      pageSize: 2,
      seed: async (people) => {
        o.users.clear();
        people.forEach((p, i) => {
          const id = `00u${String(i).padStart(6, '0')}${p.key}`;
          ids.set(p.key, id);
          o.users.set(id, { id, status: 'ACTIVE', created: stamp(), lastUpdated: stamp(), profile: profile(p) });
        });
      },
      open: (deps) => openSource({ name: 'okta', kind: 'okta', url: o.url, token: o.token, pageSize: 2, groups: {} }, { baseDir: '.', ...deps }),
      groupPageSize: 2,
      seedGroups: async (groups) => {
        for (const g of [...o.groups.values()]) if (g.type !== 'BUILT_IN') o.deleteGroup(g.id);
        groupIds.clear();
        for (const g of groups) groupIds.set(g.key, o.addGroup(g.name, g.members.map((p) => ids.get(p.key)!)).id);
      },
      groupIdOf: (key) => groupIds.get(key)!,
      failGroupPage: (page) => o.failGroupPage(page, FAULTS['server-error']),
      setGroupMembers: async (key, members) => o.setMembers(groupIds.get(key)!, members.map((p) => ids.get(p.key)!)),
      externalIdOf: (p) => ids.get(p.key)!,
      userPagesServed: () => o.userPagesServed(),
      failPage: (fault, page) => o.failUserPage(page, FAULTS[fault]),
      rateLimitNext: (waitMs) => o.inject(429, Math.ceil(waitMs / 1000) + 1),
      tick: () => new Promise((r) => setTimeout(r, 5)),
      change: async (p) => {
        const u = o.users.get(ids.get(p.key)!)!;
        u.profile = profile(p);
        u.lastUpdated = stamp();
      },
      remove: async (p) => {
        const u = o.users.get(ids.get(p.key)!)!;
        u.status = 'DEPROVISIONED';
        u.lastUpdated = stamp();
      },
      addKeyless: async () => {
        o.users.set('', { id: '', status: 'ACTIVE', created: stamp(), lastUpdated: stamp(), profile: { firstName: 'No', lastName: 'Id', email: 'noid@example.com', login: 'noid@example.com' } });
      },
      close: () => o.close(),
    };
  },
});
