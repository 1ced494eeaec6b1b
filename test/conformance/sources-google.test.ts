// The google source against the Directory fake through the source conformance suite. Runs full,
// pages, faults (missing, server-error, unauthorized, cut-body, non-json), rateLimit, readOne,
// keyless and groups. Not incremental: the Directory API has no delta, every run is a full read.
import { openSource } from '../../src/connectors/sources';
import { makeServiceAccount, startGoogleDirectoryFake, type PageFault as GooglePageFault } from '../fakes/google-directory';
import { runSourceConformance, type PageFault } from './source-connector';

const ADMIN = 'admin@acme.com';
const USERS = /^\/admin\/directory\/v1\/users$/;

const FAULTS: Record<PageFault, Omit<GooglePageFault, 'path' | 'page'>> = {
  missing: { status: 404, body: JSON.stringify({ error: { code: 404, message: 'Page not found' } }) },
  'server-error': { status: 503, times: 1000 },
  unauthorized: { status: 401, times: 1000 },
  'cut-body': { status: 200, body: '{"kind":"admin#directory#users","users":[{"id":"1","primaryEm', times: 1000 },
  'non-json': { status: 200, body: '<html><body>Bad gateway</body></html>', times: 1000 },
};

runSourceConformance('google', {
  supports: { pages: true, faults: Object.keys(FAULTS) as PageFault[], rateLimit: true, readOne: true, keyless: true, groups: true },
  async make() {
    const g = await startGoogleDirectoryFake({ subject: ADMIN });
    const sa = makeServiceAccount(g.tokenUrl);
    g.accounts.set(sa.clientEmail, sa.publicKey);
    const ids = new Map<string, string>();
    const groupIds = new Map<string, string>();
    return {
      pageSize: 2,
      seed: async (people) => {
        g.users.length = 0;
        g.pageFaults.length = 0;
        g.userPagesServed = 0;
        people.forEach((p, i) => {
          const id = `1${String(i).padStart(20, '0')}`;
          ids.set(p.key, id);
          g.users.push({ id, primaryEmail: p.mail, name: { givenName: p.givenName, familyName: p.sn }, organizations: [{ primary: true, title: p.title }], suspended: false });
        });
      },
      open: (deps) => openSource({ name: 'gws', kind: 'google', subject: ADMIN, credentials: sa.json, apiUrl: g.url, pageSize: 2 }, { baseDir: '.', ...deps }),
      groupPageSize: 2,
      seedGroups: async (groups) => {
        g.groups.length = 0;
        groupIds.clear();
        groups.forEach((group, i) => {
          const id = `0${String(i).padStart(16, '0')}`;
          groupIds.set(group.key, id);
          g.groups.push({ id, email: `${group.key}@acme.com`, name: group.name, members: group.members.map((p) => ({ id: ids.get(p.key)!, type: 'USER' as const })) });
        });
      },
      groupIdOf: (key) => groupIds.get(key)!,
      failGroupPage: (page) => void g.pageFaults.push({ path: /\/groups$/, page, status: 503, times: 1000 }),
      externalIdOf: (p) => ids.get(p.key)!,
      userPagesServed: () => g.userPagesServed,
      failPage: (fault, page) => void g.pageFaults.push({ path: USERS, page, ...FAULTS[fault] }),
      rateLimitNext: (waitMs) => void g.pageFaults.push({ path: USERS, status: 429, retryAfter: Math.ceil(waitMs / 1000) + 1 }),
      addKeyless: async () => void g.users.push({ primaryEmail: 'noid@example.com', name: { givenName: 'No', familyName: 'Id' } }),
      close: () => g.close(),
    };
  },
});
