export { openSource, sourceKinds, validateSourceConfig } from './registry';
export type { OpenSourceOptions, SourceConfig, SourceDeps, SourceKind, SourceLogger } from './registry';
export { baseSourceShape, joinRuleSchema } from './base-config';
export type { BaseSourceConfig } from './base-config';
export { CsvSource, SourceFileError } from './csv/csv-source';
export { FakeSource } from './fake/fake-source';
