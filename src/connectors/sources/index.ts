import { sourceSchema, type SourceConfig } from '../../config/sections/sources';
import { systemClock, type Clock } from '../../ports/clock';
import type { SourceConnector } from '../../ports/source-connector';
import { CsvSource } from './csv/csv-source';
import { realTiming } from './csv/settle';
import { FakeSource } from './fake/fake-source';
import { EntraSource } from './entra/connector';

export interface OpenSourceOptions {
  /** directory relative source paths resolve against (the config file's directory) */
  baseDir: string;
  /** what a file source's settle wait measures time with (default: the system clock) */
  clock?: Clock;
  /** how it waits (default: a timer); tests pass one that moves their clock instead */
  sleep?: (ms: number) => Promise<void>;
}

type Factory = (cfg: SourceConfig, opts: OpenSourceOptions) => SourceConnector;

// kind -> factory; each connector validates its own section so a bad one names its own fields.
const factories: Record<SourceConfig['kind'], Factory> = {
  csv: (cfg, opts) => new CsvSource(validated(cfg, 'csv'), opts.baseDir, fileTiming(opts)),
  fake: (cfg) => new FakeSource(validated(cfg, 'fake')),
  entra: (cfg, opts) => new EntraSource(validated(cfg, 'entra'), { clock: opts.clock ?? systemClock, sleep: opts.sleep }),
};

export function openSource(cfg: SourceConfig, opts: OpenSourceOptions): SourceConnector {
  const factory = factories[cfg.kind as SourceConfig['kind']];
  if (!factory) {
    throw new Error(`source "${cfg.name}": unknown kind "${cfg.kind}" (known: ${Object.keys(factories).join(', ')})`);
  }
  return factory(cfg, opts);
}

function fileTiming(opts: OpenSourceOptions) {
  const timing = realTiming(opts.clock ?? systemClock);
  return opts.sleep ? { ...timing, sleep: opts.sleep } : timing;
}

function validated<K extends SourceConfig['kind']>(cfg: SourceConfig, kind: K): Extract<SourceConfig, { kind: K }> {
  const parsed = sourceSchema.safeParse(cfg);
  if (!parsed.success || parsed.data.kind !== kind) {
    const detail = parsed.success ? `kind is not ${kind}` : parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`source "${cfg.name}" has an invalid configuration: ${detail}`);
  }
  return parsed.data as Extract<SourceConfig, { kind: K }>;
}

export { CsvSource, SourceFileError } from './csv/csv-source';
export { FakeSource } from './fake/fake-source';
export { EntraSource } from './entra/connector';
