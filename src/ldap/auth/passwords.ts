import { hash, verify } from '@node-rs/argon2';

/** What the server needs to check a password; injectable so tests can count or slow calls. */
export interface PasswordHasher {
  verify(hashed: string, password: string): Promise<boolean>;
  hash(password: string): Promise<string>;
}

// OWASP 2023 argon2id minimum (m=19 MiB, t=2, p=1): enough against offline guessing while a bind
// still costs ~20 ms of one core.
// 2 is Algorithm.Argon2id: a const enum, which isolated (per-file) transpilation cannot inline.
const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const argon2Hasher: PasswordHasher = {
  async verify(hashed, password) {
    try {
      return await verify(hashed, password);
    } catch {
      // A corrupt stored hash is a failed bind, not a crashed server.
      return false;
    }
  },
  hash: (password) => hash(password, ARGON2_OPTIONS),
};

