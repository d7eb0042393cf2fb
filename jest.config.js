// swc transpiles without type-checking: `npm run build` (tsc) type-checks once, so tests stay fast.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] },
  snapshotResolver: '<rootDir>/test/snapshot-resolver.js',
};
