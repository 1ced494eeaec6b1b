import { openTarget } from '../../src/connectors/targets';
import { startWebhookReceiver } from '../fakes/webhook-receiver';
import { runTargetConnectorConformance } from './target-connector';

runTargetConnectorConformance('webhook (signed POST, local ledger)', async () => {
  const rx = await startWebhookReceiver();
  return {
    connector: openTarget({ name: 'hook', kind: 'webhook', url: rx.url, secret: rx.secret }),
    cleanup: () => rx.close(),
    peek: async (userName) => {
      const a = [...rx.accounts.values()].find((x) => x.userName.toLowerCase() === userName.toLowerCase());
      return a ? { active: a.active, attributes: a.attributes, groups: a.groups } : null;
    },
    failNext: (status, retryAfter) => rx.failNext(status, retryAfter),
  };
});
