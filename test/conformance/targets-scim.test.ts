import { openTarget } from '../../src/connectors/targets';
import { startScimServer, type ScimServer } from '../fakes/scim-server';
import { runTargetConnectorConformance, type PeerAccount, type TargetHarness } from './target-connector';

function peekScim(srv: ScimServer) {
  return async (userName: string): Promise<PeerAccount | null> => {
    const user = [...srv.users.values()].find((u) => String(u.userName).toLowerCase() === userName.toLowerCase());
    if (!user) return null;
    const groups = [...srv.groups.values()].filter((g) => (g.members ?? []).some((m: any) => m.value === user.id)).map((g) => g.displayName);
    return { active: user.active !== false, attributes: { title: user.title ?? null }, groups };
  };
}

async function scimHarness(options: Parameters<typeof startScimServer>[0]): Promise<TargetHarness> {
  const srv = await startScimServer(options);
  return {
    connector: openTarget({ name: 'app', kind: 'scim', url: srv.url, token: srv.token }),
    cleanup: () => srv.close(),
    peek: peekScim(srv),
    failNext: (status, retryAfter) => srv.inject({ status, retryAfter }),
  };
}

runTargetConnectorConformance('SCIM (scimmy, RFC-style case-insensitive filter, ETags)', () => scimHarness({ caseInsensitiveFilter: true }));
runTargetConnectorConformance('SCIM (scimmy as shipped: case-sensitive filter)', () => scimHarness({ caseInsensitiveFilter: false }), {
  caseInsensitiveLookup: false,
});
runTargetConnectorConformance('SCIM (PUT only, Okta style)', () => scimHarness({ caseInsensitiveFilter: true, patchSupported: false }));
