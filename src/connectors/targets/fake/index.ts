// Registers kind "fake" with the target registry; importing this module is enough.
import { registerTargetKind } from '../index';
import { fakeTargetSchema, openFakeTarget, type FakeTargetConfig } from './fake-target';

registerTargetKind<FakeTargetConfig>('fake', {
  schema: fakeTargetSchema,
  open: (cfg) => openFakeTarget(cfg),
});

export { FakeTarget, fakeTargetSchema, openFakeTarget, MalformedResponseError, type FaultKind } from './fake-target';
export { FakeTargetState, type EffectKind } from './fake-state';
