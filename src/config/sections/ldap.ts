import { z } from 'zod';

// Owned by the LDAP frontend (issue 3). Kept minimal here; extend in place.
export const ldapSchema = z
  .object({
    baseDN: z.string().min(1),
    listen: z.array(z.string().min(1)).default(['ldap://127.0.0.1:1389']),
    serviceAccounts: z
      .array(
        z
          .object({
            name: z.string().min(1),
            password: z.string().min(1).optional(),
            passwordFile: z.string().min(1).optional(),
            passwordHash: z.string().min(1).optional(),
          })
          .strict(),
      )
      .default([]),
  })
  .passthrough();
