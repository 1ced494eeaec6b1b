import { openTarget } from '../../src/connectors/targets';
import { startGraphFake } from '../fakes/graph';
import { runTargetConnectorConformance } from './target-connector';

runTargetConnectorConformance('Entra ID (Graph fake)', async () => {
  const g = await startGraphFake();
  return {
    connector: openTarget({
      name: 'entra',
      kind: 'entra',
      tenantId: g.tenantId,
      clientId: g.clientId,
      clientSecret: g.clientSecret,
      upnDomain: 'example.com',
      authorityUrl: g.authorityUrl,
      graphUrl: g.graphUrl,
    }),
    cleanup: () => g.close(),
    peek: async (userName) => {
      const u = [...g.users.values()].find((x) => x.userPrincipalName.toLowerCase() === `${userName}@example.com`.toLowerCase());
      if (!u) return null;
      const groups = [...g.groups.values()].filter((x) => x.members.has(u.id)).map((x) => x.displayName);
      return { active: u.accountEnabled, attributes: { title: (u.jobTitle as string) ?? null }, groups };
    },
    failNext: (status, retryAfter) => g.inject(status, retryAfter),
  };
});
