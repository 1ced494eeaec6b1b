import { z } from 'zod';

// Owned by provisioning (issue 4). Kept minimal here; extend in place.
export const targetSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_-]*$/i),
    kind: z.string().min(1),
  })
  .passthrough();

export const rolesSchema = z.array(z.object({ name: z.string().min(1) }).passthrough()).default([]);
