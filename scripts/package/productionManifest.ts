/** The subset of package.json this packager reads or rewrites. */
export interface PackageManifest {
  name?: string;
  main?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  bin?: unknown;
  workspaces?: unknown;
  [key: string]: unknown;
}

/**
 * The package.json that ships. Scripts go (a remote build would otherwise run `build`, which
 * needs the dev toolchain), devDependencies go (so nothing can install them on the platform),
 * `bin` goes, and so do `workspaces` (the devhost package, which does not ship). The packager then
 * prunes the lockfile to match.
 */
export function toProductionManifest(manifest: PackageManifest): PackageManifest {
  const {
    scripts: _scripts,
    devDependencies: _dev,
    bin: _bin,
    workspaces: _workspaces,
    ...shipped
  } = manifest;
  return shipped;
}
