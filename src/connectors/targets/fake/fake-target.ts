// A target that holds accounts locally and can be told to misbehave: 500s, 429 with Retry-After,
// timeouts, malformed responses and 4xx validation errors. Usable from configuration (kind: fake)
// and from tests, which read its per-account effect counters.
import {
  PermanentTargetError,
  RetryableTargetError,
  type ActualAccount,
  type DesiredAccount,
  type TargetConnector,
} from '../../../ports/target-connector';
import { FakeTargetState } from './fake-state';

import { DEFAULT_FAKE_OPTIONS, type FakeTargetOptions, type FaultKind } from './fake-options';

export type { FaultKind, FakeTargetOptions };

export class FakeTarget implements TargetConnector {
  readonly kind = 'fake';
  readonly state: FakeTargetState;
  /** faults served before any random ones, in order */
  private queued: FaultKind[] = [];
  calls = 0;
  failures = 0;

  private cfg: FakeTargetOptions;

  constructor(readonly name: string, options: Partial<FakeTargetOptions> = {}) {
    const defaults = DEFAULT_FAKE_OPTIONS;
    this.cfg = { ...defaults, ...options, faults: { ...defaults.faults, ...options.faults } };
    this.state = new FakeTargetState(this.cfg.statePath);
  }

  /** the next `count` calls fail with `kind` */
  failNext(kind: FaultKind, count = 1): void {
    for (let i = 0; i < count; i++) this.queued.push(kind);
  }

  setFaultRate(rate: number, kinds: FaultKind[] = ['500']): void {
    this.cfg = { ...this.cfg, faults: { ...this.cfg.faults, rate, kinds } };
  }

  async lookup(userName: string, externalId: string | null): Promise<ActualAccount | null> {
    await this.call('lookup');
    return (externalId ? this.state.byExternalId(externalId) : null) ?? this.state.byUserName(userName);
  }

  async create(desired: DesiredAccount): Promise<ActualAccount> {
    await this.call('create');
    if (this.state.byUserName(desired.userName)) {
      throw new PermanentTargetError(`fake target ${this.name}: userName "${desired.userName}" already exists (409)`, 409);
    }
    const { userName, active, attributes, groups } = desired;
    return this.state.write({ userName, active, attributes, groups }, 'create');
  }

  async update(actual: ActualAccount, desired: DesiredAccount): Promise<ActualAccount> {
    await this.call('update');
    this.mustExist(actual);
    const { userName, active, attributes, groups } = desired;
    return this.state.write({ externalId: actual.externalId, userName, active, attributes, groups }, 'update');
  }

  async disable(actual: ActualAccount): Promise<ActualAccount> {
    await this.call('disable');
    const current = this.mustExist(actual);
    return this.state.write({ ...current, active: false, groups: [] }, 'disable');
  }

  async remove(actual: ActualAccount): Promise<void> {
    await this.call('remove');
    this.state.delete(this.mustExist(actual));
  }

  async *list(): AsyncIterable<ActualAccount> {
    await this.call('list');
    yield* this.state.all();
  }

  /** for tests: change an account behind idsync's back (drift) */
  tamper(userName: string, change: Partial<Omit<ActualAccount, 'externalId'>>): void {
    const current = this.state.byUserName(userName);
    if (!current) throw new Error(`fake target ${this.name}: no account "${userName}" to tamper with`);
    this.state.write({ ...current, ...change }, 'update');
  }

  /** for tests: an account no identity owns */
  plant(account: Omit<ActualAccount, 'externalId'>): ActualAccount {
    return this.state.write(account, 'create');
  }

  async close(): Promise<void> {
    this.state.close();
  }

  private mustExist(actual: ActualAccount): ActualAccount {
    const current = this.state.byExternalId(actual.externalId);
    if (!current) throw new PermanentTargetError(`fake target ${this.name}: account ${actual.externalId} not found (404)`, 404);
    return current;
  }

  private async call(op: string): Promise<void> {
    this.calls++;
    if (this.cfg.latencyMs) await sleep(this.cfg.latencyMs);
    const fault = this.queued.shift() ?? this.randomFault();
    if (!fault) return;
    this.failures++;
    await this.raise(fault, op);
  }

  private randomFault(): FaultKind | null {
    const { rate, kinds } = this.cfg.faults;
    if (rate <= 0 || Math.random() >= rate) return null;
    return kinds[Math.floor(Math.random() * kinds.length)];
  }

  private async raise(fault: FaultKind, op: string): Promise<never> {
    const where = `fake target ${this.name} ${op}`;
    switch (fault) {
      case '500':
        throw new RetryableTargetError(`${where}: HTTP 500 Internal Server Error`, undefined, 500);
      case '429':
        throw new RetryableTargetError(`${where}: HTTP 429 Too Many Requests`, this.cfg.faults.retryAfterMs, 429);
      case 'timeout':
        await sleep(this.cfg.faults.timeoutMs);
        throw new RetryableTargetError(`${where}: no response within ${this.cfg.faults.timeoutMs} ms`);
      case 'malformed':
        // what a connector does with a body it cannot parse: a plain error that names the problem
        throw new MalformedResponseError(`${where}: malformed response: expected a JSON object with "id", got "<html>Bad Gateway"`);
      case '400':
        throw new PermanentTargetError(`${where}: HTTP 400 invalid value for attribute "mail"`, 400);
    }
  }
}

export class MalformedResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedResponseError';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
