/**
 * `npm run screenshots`: retakes the README's dashboard screenshots (docs/images/dashboard-*.png).
 * The dashboard's browser test takes them along the way when DASHBOARD_SCREENSHOTS names a folder,
 * and only then, so `npm test` never rewrites a tracked file. Needs Chromium (`apt-get install
 * chromium`), as the browser tests do.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
const images = path.join(root, 'docs/images');
fs.mkdirSync(images, { recursive: true });
const jest = require.resolve('jest/bin/jest', { paths: [root] });
const run = spawnSync(
  process.execPath,
  [jest, 'test/browser/dashboard.test.ts', '--testNamePattern', 'filters, shows a compensation'],
  { cwd: root, stdio: 'inherit', env: { ...process.env, DASHBOARD_SCREENSHOTS: images } },
);
if (run.status === 0) console.log(`Screenshots written to ${images}.`);
process.exitCode = run.status ?? 1;
