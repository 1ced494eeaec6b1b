// The entra source through the source conformance suite, against the Graph delta fake over HTTP.
// Runs: full read, pages, 429, incremental (delta link), readOne, server-error and non-json faults,
// groups (members@delta slices; the incremental case sees memberChanges).
// Not registered here (covered in test/integration/source-entra.test.ts): missing page, 401,
// cut body, keyless record, truncate.
import { openSource } from '../../src/connectors/sources';
import { startGraphDeltaFake, type GraphDeltaFake } from '../fakes/graph-delta';
import { runSourceConformance, type ConformancePerson, type PageFault } from './source-connector';

const PAGE = 3;
const USERS = /^\/v1\.0\/users\/delta$/;

runSourceConformance('entra', {
  supports: { pages: true, rateLimit: true, incremental: true, readOne: true, faults: ['server-error', 'non-json'], groups: true },
  async make() {
    const fake: GraphDeltaFake = await startGraphDeltaFake({ pageSize: PAGE });
    const ids = new Map<string, string>();
    const groups = new Map<string, { id: string; members: Set<string> }>();
    let logFrom = 0;
    const props = (p: ConformancePerson) => ({ givenName: p.givenName, surname: p.sn, mail: p.mail, jobTitle: p.title, employeeId: p.key, userPrincipalName: p.mail });
    return {
      pageSize: PAGE,
      seed: async (people) => {
        for (const id of ids.values()) fake.hardDelete(id);
        ids.clear();
        for (const p of people) ids.set(p.key, fake.addUser(props(p)));
        fake.server.faults.length = 0;
        logFrom = fake.server.log.length;
      },
      open: (deps) =>
        openSource(
          { name: 'entra', kind: 'entra', tenantId: fake.tenantId, clientId: fake.clientId, clientSecret: fake.clientSecret, authorityUrl: fake.authorityUrl, graphUrl: fake.graphUrl, groups: {} },
          { baseDir: '.', clock: deps.clock, sleep: deps.sleep },
        ),
      externalIdOf: (p) => ids.get(p.key) ?? `unknown-${p.key}`,
      groupPageSize: PAGE,
      seedGroups: async (seeded) => {
        for (const g of groups.values()) fake.deleteGroup(g.id);
        groups.clear();
        for (const g of seeded) {
          const members = g.members.map((p) => ids.get(p.key)!);
          groups.set(g.key, { id: fake.addGroup(g.name, members), members: new Set(members) });
        }
      },
      groupIdOf: (key) => groups.get(key)!.id,
      failGroupPage: (page) => {
        for (let i = 0; i < 20; i++) fake.fault({ status: 503, path: /^\/v1\.0\/groups\/delta$/, skip: i === 0 ? page - 1 : 0 });
      },
      setGroupMembers: async (key, people) => {
        const g = groups.get(key)!;
        const next = new Set(people.map((p) => ids.get(p.key)!));
        for (const id of g.members) if (!next.has(id)) fake.removeMember(g.id, id);
        for (const id of next) if (!g.members.has(id)) fake.addMember(g.id, id);
        g.members = next;
      },
      userPagesServed: () => fake.server.log.slice(logFrom).filter((l) => USERS.test(l.path) && l.status === 200).length,
      failPage: (fault: PageFault, page: number) => {
        const body = fault === 'non-json' ? '<html>proxy error</html>' : undefined;
        const status = fault === 'non-json' ? 200 : 503;
        for (let i = 0; i < 20; i++) fake.fault({ status, body, path: USERS, skip: i === 0 ? page - 1 : 0 });
      },
      rateLimitNext: (waitMs: number) => fake.fault({ status: 429, retryAfter: Math.ceil(waitMs / 1000), path: /^\/v1\.0\// }),
      change: async (p) => fake.updateUser(ids.get(p.key)!, props(p)),
      remove: async (p) => fake.softDelete(ids.get(p.key)!),
      close: () => fake.close(),
    };
  },
});
