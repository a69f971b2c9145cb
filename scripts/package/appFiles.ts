import { type FuncIgnore } from './funcignore';

/** Only the app's compiled output ships: devhost, tests, benchmarks and scripts stay home. */
export const appOutputDir = 'dist/src';

/** Files the Functions host needs beside the compiled app; a package without one is broken. */
export const requiredFiles = ['host.json', 'package.json', 'package-lock.json'] as const;

export class PackageError extends Error {
  override readonly name = 'PackageError';
}

/**
 * Which candidate files ship: those `.funcignore` accepts. Throws when it would drop a file the
 * host needs, or when nothing in the compiled app matches package.json `main`.
 */
export function selectAppFiles(
  candidates: readonly string[],
  funcignore: FuncIgnore,
  main: string,
): string[] {
  const shipped = candidates.filter((file) => funcignore.accepts(file)).sort();
  for (const required of requiredFiles) {
    if (!candidates.includes(required)) {
      throw new PackageError(`${required} is missing from the project root; the package needs it.`);
    }
    if (!shipped.includes(required)) {
      throw new PackageError(
        `.funcignore excludes ${required}, which the package needs: remove that pattern.`,
      );
    }
  }
  const mainPattern = globToRegExp(main);
  if (!shipped.some((file) => mainPattern.test(file))) {
    throw new PackageError(
      `No shipped file matches package.json "main" (${main}): run \`npm run build\` first, or check .funcignore.`,
    );
  }
  return shipped;
}

/** The glob dialect of package.json `main` as the Node worker resolves it: `*` within a segment, `**` across. */
export function globToRegExp(glob: string): RegExp {
  const source = glob
    .replace(/^\.\//, '')
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((literal) => literal.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*');
  return new RegExp(`^${source}$`);
}
