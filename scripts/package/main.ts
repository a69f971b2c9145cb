#!/usr/bin/env node
// `npm run package`: builds the deployment package from the compiled project (npm run build first).
import path from 'node:path';
import { PackageError } from './appFiles';
import { buildPackage } from './buildPackage';

async function main(argv: string[]): Promise<void> {
  const outIndex = argv.indexOf('--out');
  const outDir = outIndex >= 0 ? argv[outIndex + 1] : undefined;
  if (outIndex >= 0 && !outDir) {
    throw new PackageError('--out needs a folder: npm run package -- --out <dir>');
  }
  const root = path.resolve(__dirname, '..', '..', '..');
  await buildPackage({ root, outDir, log: (line) => console.log(line) });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof PackageError ? `package: ${error.message}` : error);
  process.exitCode = 1;
});
