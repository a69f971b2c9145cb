/**
 * Three projects, so the quick loop stays quick as the suite grows: `npm run test:unit` runs
 * `unit`; `npm test` runs all three. `slow` holds the files that start several processes or
 * build packages (listed below); everything else under test/integration and test/e2e is
 * `integration`.
 */
const slow = [
  '<rootDir>/test/integration/crash/',
  '<rootDir>/test/integration/package/',
  '<rootDir>/test/e2e/app/orderGuarantees.test.ts',
  '<rootDir>/test/integration/soak/',
  '<rootDir>/test/browser/',
];

/** @type {import('jest').Config} */
const base = {
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/support/quietSdkWarnings.ts', '<rootDir>/test/support/quickWorkerExit.ts'],
  transform: {
    // Types stripped file by file (tsconfig.json sets isolatedModules): `npm run lint` checks types.
    '^.+\\.ts$': '<rootDir>/test/support/esbuildTransform.js',
  },
  // The app's tests and devhost's own run against devhost's sources, one copy of each module.
  moduleNameMapper: {
    '^devhost$': '<rootDir>/devhost/src/index.ts',
    '^devhost/testing$': '<rootDir>/devhost/src/testing/index.ts',
  },
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30000,
  // Two workers on the 2-core machines: the long files spend much of their time waiting on child
  // processes (devhost, Azurite, npm, Chromium). Whole suite on a fresh clone, one worker against
  // two, run in turn: 806 s / 591 s at load 7-10, then 688 s / 320 s at load 4-7.
  maxWorkers: 2,
  testSequencer: '<rootDir>/test/support/slowFirstSequencer.js',
  projects: [
    {
      ...base,
      displayName: 'unit',
      roots: ['<rootDir>/test/unit'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/fixtures/'],
    },
    {
      ...base,
      displayName: 'integration',
      roots: ['<rootDir>/test/integration', '<rootDir>/test/e2e'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/fixtures/', ...slow],
    },
    {
      ...base,
      displayName: 'slow',
      roots: ['<rootDir>/test'],
      testMatch: slow.map((entry) => (entry.endsWith('/') ? `${entry}**/*.test.ts` : entry)),
      testPathIgnorePatterns: ['/node_modules/', '/fixtures/'],
    },
  ],
};
