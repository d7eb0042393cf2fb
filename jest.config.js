// swc transpiles without type-checking: `npm test` runs tsc once before jest, so tests stay fast.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }];

module.exports = {
  testEnvironment: 'node',
  // jest's default leaves one of the machine's two cores to itself
  maxWorkers: 2,
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // cel-js ships only ES modules; jest (unlike node 20) cannot require() them untransformed
  transform: { '^.+\\.ts$': swc, '/node_modules/@marcbachmann/cel-js/.+\\.js$': swc },
  transformIgnorePatterns: ['/node_modules/(?!@marcbachmann/cel-js/)'],
  // consumer-style code imports the package by name, as test/consumer/ does against the packed tarball
  moduleNameMapper: { '^cdk8s-istio$': '<rootDir>/lib/index.ts' },
  snapshotResolver: '<rootDir>/test/snapshot-resolver.js',
};
