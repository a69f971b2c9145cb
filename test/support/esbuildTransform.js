// Jest's transformer for TypeScript: esbuild strips the types file by file, as ts-jest's transpile
// mode did (tsconfig.json sets isolatedModules), in a fraction of the time; `npm run lint` checks
// the types. A fresh clone transpiles every file its tests load, so this is paid on each CI run.
'use strict';
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const tsconfigRaw = fs.readFileSync(path.join(__dirname, '..', '..', 'tsconfig.json'), 'utf8');
const options = {
  loader: 'ts',
  format: 'cjs',
  // tsconfig.json's target: the same class-field and syntax semantics as `npm run build`.
  target: 'es2022',
  platform: 'node',
  // import() becomes a require, as tsc's CommonJS output does: jest runs tests without ESM support.
  supported: { 'dynamic-import': false },
  sourcemap: 'inline',
  tsconfigRaw,
};
const configKey = JSON.stringify({ version: esbuild.version, options });

module.exports = {
  process(source, filename) {
    const { code } = esbuild.transformSync(source, { ...options, sourcefile: filename });
    return { code };
  },
  getCacheKey(source, filename) {
    return createHash('sha1')
      .update(configKey)
      .update('\0')
      .update(filename)
      .update('\0')
      .update(source)
      .digest('hex');
  },
};
