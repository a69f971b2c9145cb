// Layer rules for the app and the devhost package (see docs/architecture.md, "Layers").
// `npm run lint` runs them; each violation names its rule.
const ground = '^devhost/src/(protocol|clock)/';
const pureVocabulary =
  '^devhost/src/protocol/(history|actions|entityMessages|messageSorter|dotnetTime|timeSpan|sha1)\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'app-never-imports-devhost',
      comment: 'The deployable app (src/) must run without the local host.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: ['^devhost/', '(^|/)node_modules/devhost/'] },
    },
    {
      name: 'devhost-never-imports-app-or-tests',
      comment: 'devhost serves any app: it must not know this one, nor its tests.',
      severity: 'error',
      from: { path: '^devhost/src/' },
      to: { path: '^(src|test|bench|scripts)/' },
    },
    {
      name: 'ground-floor-imports-nothing-above',
      comment: 'protocol/ and clock/ are the shared vocabulary: they import only each other.',
      severity: 'error',
      from: { path: ground },
      to: { path: '^devhost/src/', pathNot: ground },
    },
    {
      name: 'store-imports-only-ground-floor',
      comment: 'The task hub stores sit on the ground floor: never on the engine, replay or HTTP.',
      severity: 'error',
      from: { path: '^devhost/src/store/' },
      to: { path: '^devhost/src/', pathNot: ['^devhost/src/store/', ground] },
    },
    {
      name: 'replay-imports-only-vocabulary',
      comment: 'The replay core is pure: it imports the history vocabulary and nothing else of devhost.',
      severity: 'error',
      from: { path: '^devhost/src/durable/replay/' },
      to: { path: '^devhost/src/', pathNot: ['^devhost/src/durable/replay/', pureVocabulary] },
    },
    {
      name: 'replay-does-no-io',
      comment: 'The replay core is pure: no Node built-ins (I/O, clocks, randomness).',
      severity: 'error',
      from: { path: ['^devhost/src/durable/replay/', pureVocabulary] },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'dashboard-talks-only-http',
      comment: 'The dashboard is a browser client of the management API, not of devhost internals.',
      severity: 'error',
      from: { path: '^devhost/src/dashboard/' },
      to: { path: '^devhost/src/', pathNot: '^devhost/src/dashboard/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
