#!/usr/bin/env node
// The `devhost` command. It runs the built command line (dist/main.js); this launcher is in the
// repository rather than in dist so that installing the workspace on a fresh clone (before any
// build) links the command too, as npm only links a bin whose file exists.
'use strict';
const path = require('node:path');
const fs = require('node:fs');

const main = path.join(__dirname, '..', 'dist', 'main.js');
if (!fs.existsSync(main)) {
  process.stderr.write(
    `devhost is not built yet (no ${path.relative(process.cwd(), main) || main}).\n` +
      'Run `npm run build` in the repository (it builds devhost too), then run the command again.\n',
  );
  process.exit(1);
}
require(main);
