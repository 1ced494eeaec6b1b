import { createHmac, randomBytes } from 'node:crypto';

// RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s steps) on node:crypto. otplib 13 computes the same codes
// (the unit test cross-checks against it in a child process), but its base32 dependency is
// ESM-only and cannot be loaded by jest's CommonJS runtime, so the server does not import it.

const PERIOD_SECONDS = 30;
const DIGITS = 6;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(s: string): Buffer {
  const clean = s.replace(/=+$/, '').replace(/\s+/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const v = BASE32.indexOf(ch);
    if (v < 0) throw new Error(`invalid base32 character "${ch}" in TOTP secret`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The code for one time step (RFC 4226 dynamic truncation). */
export function totpCode(secret: string, timeStep: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(timeStep));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const bin = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(bin % 10 ** DIGITS).padStart(DIGITS, '0');
}

export const timeStepAt = (now: Date): number => Math.floor(now.getTime() / 1000 / PERIOD_SECONDS);

/** Splits `password<sep>123456` at the last separator; null when no 6-digit code is appended. */
export function splitPasswordAndCode(input: string, separator: string): { password: string; code: string } | null {
  const at = input.lastIndexOf(separator);
  if (at < 0) return null;
  const code = input.slice(at + separator.length);
  if (!/^\d{6}$/.test(code)) return null;
  return { password: input.slice(0, at), code };
}

/** The time step the code belongs to (current step ±1 for clock skew), or null when it does not verify. */
export async function totpTimeStep(secret: string, code: string, now: Date): Promise<number | null> {
  const step = timeStepAt(now);
  for (const candidate of [step, step - 1, step + 1]) {
    try {
      if (totpCode(secret, candidate) === code) return candidate;
    } catch {
      return null;
    }
  }
  return null;
}

/** 160-bit secret, base32 (what authenticator apps expect). */
export function newTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

export function totpUri(secret: string, username: string, issuer: string): string {
  const label = encodeURIComponent(`${issuer}:${username}`);
  return `otpauth://totp/${label}?secret=${secret}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=30`;
}
