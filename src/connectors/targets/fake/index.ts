// Registers kind "fake" with the target registry; importing this module is enough.
import { registerTargetKind } from '../index';
import { fakeTargetSchema, openFakeTarget, type FakeTargetConfig } from './fake-config';

registerTargetKind<FakeTargetConfig>('fake', {
  schema: fakeTargetSchema,
  open: (cfg) => openFakeTarget(cfg),
});

export { FakeTarget, MalformedResponseError, type FaultKind } from './fake-target';
export { fakeTargetSchema, openFakeTarget } from './fake-config';
export { FakeTargetState, type EffectKind } from './fake-state';
