export { mfaEnrollCommand, openCredentialStore, passwordSetCommand, type MfaEnrollOptions, type PasswordSetOptions } from './commands';
export { argon2Hasher, type PasswordHasher } from './passwords';
