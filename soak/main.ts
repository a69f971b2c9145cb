/**
 * `npm run soak`: runs the soak at the size given (defaults in runSoak.ts), prints its figures,
 * writes them into docs/reliability.md, and exits 1 if anything was lost or duplicated.
 */
import * as path from 'node:path';
import { parseSoakArgs } from './cli';
import { repoRoot } from './paths';
import { renderSoak, writeBetweenMarkers } from './report';
import { DEFAULT_SOAK, runSoak } from './runSoak';

async function main(): Promise<number> {
  const { write, ...size } = parseSoakArgs(process.argv.slice(2));
  const result = await runSoak({
    ...DEFAULT_SOAK,
    ...size,
    log: (line) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`),
  });
  const markdown = renderSoak(result);
  process.stdout.write(`\n${markdown}\n`);
  if (write) {
    const file = path.join(repoRoot(), 'docs/reliability.md');
    writeBetweenMarkers(file, markdown);
    process.stdout.write(`\nWrote ${path.relative(process.cwd(), file)}\n`);
  }
  return result.violations.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
