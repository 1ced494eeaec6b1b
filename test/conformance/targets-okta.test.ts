import { openTarget } from '../../src/connectors/targets';
import { startOktaFake } from '../fakes/okta';
import { runTargetConnectorConformance } from './target-connector';

runTargetConnectorConformance('Okta (Management API fake)', async () => {
  const o = await startOktaFake();
  return {
    connector: openTarget({ name: 'okta', kind: 'okta', url: o.url, token: o.token, loginDomain: 'example.com' }),
    cleanup: () => o.close(),
    peek: async (userName) => {
      const u = [...o.users.values()].find((x) => String(x.profile.login).toLowerCase() === `${userName}@example.com`.toLowerCase());
      if (!u) return null;
      const groups = [...o.groups.values()].filter((g) => g.type === 'OKTA_GROUP' && g.members.has(u.id)).map((g) => g.profile.name);
      return { active: u.status !== 'DEPROVISIONED', attributes: { title: u.profile.title ?? null }, groups };
    },
    failNext: (status, retryAfter) => o.inject(status, retryAfter),
  };
});
