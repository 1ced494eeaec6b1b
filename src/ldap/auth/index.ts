export { argon2Hasher, type PasswordHasher } from './passwords';
