// Inline records for demos and tests (canonical attribute names; `externalId` defaults to employeeId).
import { z } from 'zod';
import { baseSourceShape } from '../base-config';

export const fakeSourceSchema = z
  .object({
    ...baseSourceShape,
    kind: z.literal('fake'),
    records: z.array(z.record(z.string(), z.string().nullable())).default([]),
  })
  .strict();

export type FakeSourceConfig = z.infer<typeof fakeSourceSchema>;
