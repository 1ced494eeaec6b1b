import { generateSecret, generateURI, verify } from 'otplib';

/** Splits `password<sep>123456` at the last separator; null when no 6-digit code is appended. */
export function splitPasswordAndCode(input: string, separator: string): { password: string; code: string } | null {
  const at = input.lastIndexOf(separator);
  if (at < 0) return null;
  const code = input.slice(at + separator.length);
  if (!/^\d{6}$/.test(code)) return null;
  return { password: input.slice(0, at), code };
}

/** The TOTP time step the code belongs to (±1 step of clock skew), or null when it does not verify. */
export async function totpTimeStep(secret: string, code: string, now: Date): Promise<number | null> {
  try {
    const result = await verify({ secret, token: code, epoch: Math.floor(now.getTime() / 1000), epochTolerance: 30 });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  } catch {
    return null;
  }
}

export function newTotpSecret(): string {
  return generateSecret();
}

export function totpUri(secret: string, username: string, issuer: string): string {
  return generateURI({ secret, label: username, issuer });
}
