// The fake target kind (registered as "fake" in ../index.ts) and its test helpers.
export { FakeTarget, MalformedResponseError, type FaultKind } from './fake-target';
export { fakeTargetSchema, openFakeTarget } from './fake-config';
export { FakeTargetState, type EffectKind } from './fake-state';
