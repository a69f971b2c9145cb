import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { appOutputDir, PackageError, requiredFiles, selectAppFiles } from './appFiles';
import { listFiles } from './fileTree';
import { parseFuncignore } from './funcignore';
import { type PackageManifest, toProductionManifest } from './productionManifest';
import { zipFiles } from './zipFiles';

export interface PackageOptions {
  /** The project root (where package.json, host.json and dist/ are). */
  root: string;
  /** Where the staging folder `app/` and `app.zip` go; default `<root>/dist/package`. */
  outDir?: string;
  log?: (line: string) => void;
}

export interface PackageResult {
  /** The deployable app, unpacked: what azd (azure.yaml `dist`) and `npm run deploy` publish. */
  stagingDir: string;
  /** The same files, zipped: what `az functionapp deployment source config-zip` and CI deploy. */
  zipPath: string;
  /** Project files that ship (relative paths), before production dependencies are installed. */
  appFiles: string[];
  /** Every entry in the zip. */
  zipEntries: string[];
}

/**
 * Builds the deployment package from an already compiled project: the app's compiled output,
 * host.json, a production package.json and its lockfile, filtered by .funcignore, plus the
 * production dependencies installed from that lockfile (`npm ci --omit=dev`).
 */
export async function buildPackage(options: PackageOptions): Promise<PackageResult> {
  const root = path.resolve(options.root);
  const outDir = path.resolve(options.outDir ?? path.join(root, 'dist', 'package'));
  const stagingDir = path.join(outDir, 'app');
  const zipPath = path.join(outDir, 'app.zip');
  const log = options.log ?? (() => undefined);

  const manifest = JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8')) as PackageManifest;
  if (typeof manifest.main !== 'string') {
    throw new PackageError('package.json has no "main": the Functions host would find no functions.');
  }
  const funcignore = parseFuncignore(await readOptional(path.join(root, '.funcignore')));
  const compiled = (await listFiles(path.join(root, appOutputDir))).map((file) => `${appOutputDir}/${file}`);
  const present = await Promise.all(
    requiredFiles.map(async (file) => ((await exists(path.join(root, file))) ? [file] : [])),
  );
  const appFiles = selectAppFiles([...compiled, ...present.flat()], funcignore, manifest.main);

  await fs.rm(stagingDir, { recursive: true, force: true });
  await fs.rm(zipPath, { force: true });
  for (const file of appFiles) {
    const target = path.join(stagingDir, ...file.split('/'));
    await fs.mkdir(path.dirname(target), { recursive: true });
    if (file === 'package.json') {
      await fs.writeFile(target, `${JSON.stringify(toProductionManifest(manifest), null, 2)}\n`);
    } else {
      await fs.copyFile(path.join(root, ...file.split('/')), target);
    }
  }
  log(`Staged ${appFiles.length} app files in ${path.relative(root, stagingDir) || stagingDir}`);

  // The lockfile that ships must describe the package.json that ships: this drops the dev
  // entries and keeps every production version exactly as locked.
  log('Pruning devDependencies from the shipped lockfile (npm install --package-lock-only)');
  await runNpm(['install', '--package-lock-only', ...quietOffline], stagingDir);
  log('Installing production dependencies from the lockfile (npm ci --omit=dev)');
  await runNpm(['ci', '--omit=dev', ...quietOffline], stagingDir);

  const zipEntries = await listFiles(stagingDir);
  await zipFiles(stagingDir, zipEntries, zipPath);
  await writePublishHelpers(stagingDir);
  log(`Wrote ${path.relative(root, zipPath) || zipPath} (${zipEntries.length} files)`);
  return { stagingDir, zipPath, appFiles, zipEntries };
}

/**
 * Written after the zip, so they never ship: `func azure functionapp publish`, run inside the
 * staging folder (`npm run deploy`), reads the worker runtime from local.settings.json and
 * honours .funcignore.
 */
async function writePublishHelpers(stagingDir: string): Promise<void> {
  const settings = { IsEncrypted: false, Values: { FUNCTIONS_WORKER_RUNTIME: 'node' } };
  await fs.writeFile(path.join(stagingDir, 'local.settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
  await fs.writeFile(path.join(stagingDir, '.funcignore'), 'local.settings.json\n.funcignore\n');
}

const quietOffline = ['--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'];

function runNpm(args: string[], cwd: string): Promise<void> {
  // Under `npm run`, npm_execpath is npm's own CLI script: run it with this Node, which avoids
  // shell lookups (npm.cmd on Windows) and uses the same npm that runs the script.
  const npmCli = process.env.npm_execpath;
  const [command, commandArgs] =
    npmCli && /\.[cm]?js$/.test(npmCli) ? [process.execPath, [npmCli, ...args]] : ['npm', args];
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: command === 'npm' && process.platform === 'win32',
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => reject(new PackageError(`Could not run npm: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new PackageError(`npm ${args.join(' ')} failed in ${cwd} (exit ${code}):\n${output}`));
    });
  });
}

async function readOptional(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
