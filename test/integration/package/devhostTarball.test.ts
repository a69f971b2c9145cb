import { promises as fs } from 'node:fs';
import path from 'node:path';
import { devhostDir, assertDevhostBuilt, packDevhost, type PackedFile } from './npmPack';

interface DevhostManifest {
  main: string;
  types: string;
  bin: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
}

/** Every `.ts` module under devhost/src (not declaration files), as `dir/name` without extension. */
async function sourceModules(dir: string, prefix = ''): Promise<string[]> {
  const modules: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) modules.push(...(await sourceModules(path.join(dir, entry.name), relative)));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) modules.push(relative.slice(0, -3));
  }
  return modules.sort();
}

const withoutPrefix = (file: string): string => file.replace(/^\.\//, '');

const DASHBOARD_FILES = ['dist/dashboard/index.html', 'dist/dashboard/app.js', 'dist/dashboard/app.css'];

let files: PackedFile[];
let paths: string[];

beforeAll(async () => {
  assertDevhostBuilt();
  ({ files } = await packDevhost());
  paths = files.map((file) => file.path);
}, 60_000);

describe('the devhost tarball (npm pack)', () => {
  it('holds compiled JavaScript and declarations under dist/, the command launcher, the README, the LICENSE and package.json, nothing else', () => {
    const allowed =
      /^(package\.json|README\.md|LICENSE|bin\/devhost\.js|dist\/.+\.(js|d\.ts)|dist\/dashboard\/(index\.html|app\.css))$/;
    expect(paths.filter((file) => !allowed.test(file))).toEqual([]);
    // The dashboard is one bundle (devhost/scripts/buildDashboard.js), served at /_devhost/.
    expect(paths).toEqual(expect.arrayContaining(DASHBOARD_FILES));
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE']));
  });

  it('leaves out TypeScript sources, source maps, tests and anything of the app', () => {
    expect(paths.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
    expect(paths.filter((file) => file.endsWith('.map'))).toEqual([]);
    expect(paths.filter((file) => /(^|\/)(src|test|tests|__tests__|fixtures)\/|\.test\./.test(file))).toEqual(
      [],
    );
  });

  it('ships every module of devhost/src compiled, with its declarations, and no module without a source', async () => {
    // The dashboard's client modules are bundled into dist/dashboard/app.js, not compiled one by one.
    const modules = (await sourceModules(path.join(devhostDir, 'src'))).filter(
      (m) => !m.startsWith('dashboard/'),
    );
    const compiled = (extension: string): string[] =>
      paths
        .filter(
          (file) => file.startsWith('dist/') && !DASHBOARD_FILES.includes(file) && file.endsWith(extension),
        )
        .map((file) => file.slice('dist/'.length, -extension.length))
        .sort();
    // A mismatch here usually means a stale build: run `npm run build -w devhost`.
    expect(compiled('.d.ts')).toEqual(modules);
    expect(compiled('.js')).toEqual(modules);
  });

  it('ships the files its main, types, bin and exports name, and the bin is an executable Node script', async () => {
    const manifest = JSON.parse(
      await fs.readFile(path.join(devhostDir, 'package.json'), 'utf8'),
    ) as DevhostManifest;
    const exportTargets = Object.values(manifest.exports).flatMap((target) =>
      typeof target === 'string' ? [target] : Object.values(target),
    );
    const named = [manifest.main, manifest.types, ...Object.values(manifest.bin), ...exportTargets].map(
      withoutPrefix,
    );
    expect(named.filter((file) => !paths.includes(file))).toEqual([]);
    expect(exportTargets.map(withoutPrefix)).toEqual(
      expect.arrayContaining(['dist/index.js', 'dist/testing/index.js', 'dist/testing/index.d.ts']),
    );

    const bin = withoutPrefix(manifest.bin.devhost ?? '');
    expect((files.find((file) => file.path === bin)?.mode ?? 0) & 0o111).not.toBe(0);
    const firstLine = (await fs.readFile(path.join(devhostDir, bin), 'utf8')).split('\n', 1)[0];
    expect(firstLine).toBe('#!/usr/bin/env node');
  });
});
