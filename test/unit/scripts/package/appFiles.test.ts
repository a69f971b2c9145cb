import { globToRegExp, PackageError, selectAppFiles } from '../../../../scripts/package/appFiles';
import { parseFuncignore } from '../../../../scripts/package/funcignore';
import { toProductionManifest } from '../../../../scripts/package/productionManifest';

const main = 'dist/src/functions/*.js';
const project = [
  'dist/src/functions/a.js',
  'dist/src/data/b.js',
  'host.json',
  'package.json',
  'package-lock.json',
];

describe('selectAppFiles', () => {
  it('ships the compiled app and the files the host needs, sorted', () => {
    expect(selectAppFiles(project, parseFuncignore(''), main)).toEqual([
      'dist/src/data/b.js',
      'dist/src/functions/a.js',
      'host.json',
      'package-lock.json',
      'package.json',
    ]);
  });

  it('drops what .funcignore excludes', () => {
    const shipped = selectAppFiles([...project, 'dist/src/a.js.map'], parseFuncignore('dist/**/*.map'), main);
    expect(shipped).not.toContain('dist/src/a.js.map');
  });

  it('refuses a .funcignore that drops a file the host needs, naming it', () => {
    expect(() => selectAppFiles(project, parseFuncignore('package-lock.json'), main)).toThrow(
      new PackageError(
        '.funcignore excludes package-lock.json, which the package needs: remove that pattern.',
      ),
    );
  });

  it('refuses a project without a lockfile', () => {
    const withoutLock = project.filter((file) => file !== 'package-lock.json');
    expect(() => selectAppFiles(withoutLock, parseFuncignore(''), main)).toThrow(
      /package-lock\.json is missing/,
    );
  });

  it('refuses a package in which nothing matches package.json main, pointing at the build', () => {
    const uncompiled = project.filter((file) => !file.startsWith('dist/'));
    expect(() => selectAppFiles(uncompiled, parseFuncignore(''), main)).toThrow(/npm run build/);
  });
});

describe('globToRegExp', () => {
  it('matches one folder level with a star and any depth with a double star', () => {
    expect(globToRegExp('dist/src/functions/*.js').test('dist/src/functions/a.js')).toBe(true);
    expect(globToRegExp('dist/src/functions/*.js').test('dist/src/functions/x/a.js')).toBe(false);
    expect(globToRegExp('dist/**/*.js').test('dist/src/functions/x/a.js')).toBe(true);
    expect(globToRegExp('./dist/index.js').test('dist/index.js')).toBe(true);
  });
});

describe('toProductionManifest', () => {
  it('removes scripts, devDependencies, bin and workspaces and keeps what the host and npm ci read', () => {
    const shipped = toProductionManifest({
      name: 'app',
      main,
      scripts: { build: 'tsc' },
      dependencies: { zod: '4' },
      devDependencies: { jest: '29' },
      bin: { tool: 'dist/tool.js' },
      workspaces: ['devhost'],
    });
    expect(shipped).toEqual({ name: 'app', main, dependencies: { zod: '4' } });
  });
});
