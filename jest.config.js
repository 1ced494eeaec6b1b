/** Three tiers live under test/: unit (pure), conformance + integration (real SQLite, Redis, slapd), e2e (spawned daemon). */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testTimeout: 60000,
  maxWorkers: 2,
  transform: { '^.+\\.tsx?$': 'ts-jest' },
  reporters: ['default', '<rootDir>/test/reporters/summary-line.js'],
};
