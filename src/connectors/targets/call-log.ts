// Every call a connector makes to its target, logged at debug with its duration: enough to see a
// slow or failing target without a packet capture. Only the operation, the user name and the
// outcome are logged, never account attributes or credentials.
import type { Logger } from '../../ports/logger';
import type { ActualAccount, DesiredAccount, TargetConnector } from '../../ports/target-connector';

export function withCallLog(inner: TargetConnector, log: Logger): TargetConnector {
  const target = { target: inner.name, kind: inner.kind };
  async function timed<T>(op: string, userName: string | undefined, call: () => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - started) / 1e6;
    try {
      const result = await call();
      log.debug({ ...target, op, userName, ms: ms() }, 'target call');
      return result;
    } catch (err) {
      log.debug({ ...target, op, userName, ms: ms(), err: (err as Error).message }, 'target call failed');
      throw err;
    }
  }
  return {
    name: inner.name,
    kind: inner.kind,
    lookup: (userName: string, externalId: string | null) => timed('lookup', userName, () => inner.lookup(userName, externalId)),
    create: (desired: DesiredAccount) => timed('create', desired.userName, () => inner.create(desired)),
    update: (actual: ActualAccount, desired: DesiredAccount) => timed('update', desired.userName, () => inner.update(actual, desired)),
    disable: (actual: ActualAccount) => timed('disable', actual.userName, () => inner.disable(actual)),
    remove: (actual: ActualAccount) => timed('remove', actual.userName, () => inner.remove(actual)),
    async *list() {
      const started = process.hrtime.bigint();
      let count = 0;
      for await (const account of inner.list()) {
        count++;
        yield account;
      }
      log.debug({ ...target, op: 'list', count, ms: Number(process.hrtime.bigint() - started) / 1e6 }, 'target call');
    },
    close: inner.close ? () => inner.close!() : undefined,
  };
}
