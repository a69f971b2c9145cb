// Bundles the dashboard (src/dashboard: preact + htm) into dist/dashboard with esbuild: one script,
// one stylesheet and the page, no CDN, nothing fetched at run time. `npm run build` runs it after tsc.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const source = path.join(root, 'src', 'dashboard');
const defaultOut = path.join(root, 'dist', 'dashboard');

/** Builds into `outDir` (default dist/dashboard); returns the folder. */
function buildDashboard(outDir = defaultOut) {
  const esbuild = require('esbuild');
  fs.mkdirSync(outDir, { recursive: true });
  esbuild.buildSync({
    entryPoints: [path.join(source, 'main.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020'],
    platform: 'browser',
    outfile: path.join(outDir, 'app.js'),
    legalComments: 'none',
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'app.css'])
    fs.copyFileSync(path.join(source, file), path.join(outDir, file));
  return outDir;
}

/** Newest modification time of the dashboard's sources, to rebuild on demand when they changed. */
function sourcesChangedAt() {
  return Math.max(...fs.readdirSync(source).map((f) => fs.statSync(path.join(source, f)).mtimeMs));
}

module.exports = { buildDashboard, sourcesChangedAt, defaultOut };

if (require.main === module) buildDashboard();
