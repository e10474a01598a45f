/** Tests are TypeScript run through ts-jest without type checking (tsc checks types in `npm run build`). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }],
  },
  testTimeout: 30000,
  // Integration tests start real processes; two workers keep a 2-core machine responsive.
  maxWorkers: 2,
};
