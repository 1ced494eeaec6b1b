// TOTP on node:crypto: RFC 6238 test vectors, and the same codes as otplib 13 (run in a plain node
// child process, because otplib's ESM-only base32 dependency does not load under jest).
import { execFileSync } from 'node:child_process';
import { base32Decode, base32Encode, newTotpSecret, splitPasswordAndCode, timeStepAt, totpCode, totpTimeStep, totpUri } from '../../src/ldap/auth/totp';

const RFC_SECRET = base32Encode(Buffer.from('12345678901234567890'));

describe('TOTP', () => {
  it('matches the RFC 6238 SHA-1 vectors (last six digits)', () => {
    expect(RFC_SECRET).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    const vectors: [number, string][] = [[59, '287082'], [1111111109, '081804'], [1234567890, '005924'], [2000000000, '279037']];
    for (const [t, code] of vectors) expect(totpCode(RFC_SECRET, Math.floor(t / 30))).toBe(code);
  });

  it('round-trips base32', () => {
    const bytes = Buffer.from('00ff10203040506070809a', 'hex');
    expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
    expect(() => base32Decode('not base32!')).toThrow(/invalid base32/);
  });

  it('computes the same codes as otplib 13', () => {
    const secret = newTotpSecret();
    const epoch = 1_790_000_000;
    const script = `require('otplib').generate({ secret: ${JSON.stringify(secret)}, epoch: ${epoch} }).then((c) => process.stdout.write(c))`;
    const theirs = execFileSync(process.execPath, ['-e', script], { cwd: process.cwd() }).toString();
    expect(theirs).toMatch(/^\d{6}$/);
    expect(totpCode(secret, timeStepAt(new Date(epoch * 1000)))).toBe(theirs);
  });

  it('accepts the current step and one step of skew either way, nothing further', async () => {
    const now = new Date('2026-03-01T10:00:00Z');
    const step = timeStepAt(now);
    for (const d of [-1, 0, 1]) expect(await totpTimeStep(RFC_SECRET, totpCode(RFC_SECRET, step + d), now)).toBe(step + d);
    expect(await totpTimeStep(RFC_SECRET, totpCode(RFC_SECRET, step + 2), now)).toBeNull();
    expect(await totpTimeStep(RFC_SECRET, totpCode(RFC_SECRET, step - 2), now)).toBeNull();
  });

  it('splits password and code at the last separator only when six digits follow', () => {
    expect(splitPasswordAndCode('pa,ss,123456', ',')).toEqual({ password: 'pa,ss', code: '123456' });
    expect(splitPasswordAndCode('secret', ',')).toBeNull();
    expect(splitPasswordAndCode('secret,12345', ',')).toBeNull();
    expect(splitPasswordAndCode('secret::654321', '::')).toEqual({ password: 'secret', code: '654321' });
  });

  it('builds an otpauth URI authenticator apps read', () => {
    expect(totpUri('ABC', 'alice', 'idsync')).toBe('otpauth://totp/idsync%3Aalice?secret=ABC&issuer=idsync&algorithm=SHA1&digits=6&period=30');
  });
});
