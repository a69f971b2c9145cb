/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/fixtures/'],
  // The app's tests and devhost's own run against devhost's sources, one copy of each module.
  moduleNameMapper: {
    '^devhost$': '<rootDir>/devhost/src/index.ts',
    '^devhost/testing$': '<rootDir>/devhost/src/testing/index.ts',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  testTimeout: 30000,
};
