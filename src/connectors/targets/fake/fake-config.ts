import { z } from 'zod';
import { FakeTarget } from './fake-target';
import type { FakeTargetOptions } from './fake-options';

export const fakeTargetSchema = z
  .object({
    name: z.string().min(1),
    kind: z.literal('fake'),
    /** SQLite file shared by every process that opens this target; default in-memory */
    statePath: z.string().min(1).optional(),
    /** artificial latency per call */
    latencyMs: z.number().int().nonnegative().default(0),
    faults: z
      .object({
        /** share of calls that fail, 0..1 */
        rate: z.number().min(0).max(1).default(0),
        kinds: z.array(z.enum(['500', '429', 'timeout', 'malformed', '400'])).min(1).default(['500']),
        retryAfterMs: z.number().int().nonnegative().default(1000),
        timeoutMs: z.number().int().nonnegative().default(200),
      })
      .strict()
      .prefault({}),
  })
  .passthrough();

export type FakeTargetConfig = z.infer<typeof fakeTargetSchema>;

export function optionsOf(cfg: FakeTargetConfig): FakeTargetOptions {
  return { statePath: cfg.statePath, latencyMs: cfg.latencyMs, faults: cfg.faults };
}

export function openFakeTarget(cfg: unknown): FakeTarget {
  const parsed = fakeTargetSchema.parse(cfg);
  return new FakeTarget(parsed.name, optionsOf(parsed));
}
