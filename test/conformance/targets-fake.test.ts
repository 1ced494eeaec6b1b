import { FakeTarget, type FaultKind } from '../../src/connectors/targets/fake';
import { runTargetConnectorConformance } from './target-connector';

runTargetConnectorConformance('fake target (engine-owned, in-process)', async () => {
  const target = new FakeTarget('fake', { faults: { rate: 0, kinds: ['500'], retryAfterMs: 3000, timeoutMs: 50 } });
  return {
    connector: target,
    cleanup: async () => undefined,
    peek: async (userName) => {
      const a = target.state.byUserName(userName);
      return a ? { active: a.active, attributes: a.attributes, groups: a.groups } : null;
    },
    failNext: (status) => target.failNext(String(status) as FaultKind),
  };
}, {
  // The engine's fake answers 409 to a create of an existing userName and 404 to a second remove;
  // the engine always looks up first, so it copes, but the contract says adopt / harmless.
  knownGaps: ['create-adopts', 'remove-twice'],
});
