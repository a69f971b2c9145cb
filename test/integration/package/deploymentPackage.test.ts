import { execFile, spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PackageError } from '../../../scripts/package/appFiles';
import { buildPackage, type PackageResult } from '../../../scripts/package/buildPackage';
import { startTestCosmos, type TestCosmos } from '../../unit/src/support/cosmosServer';
import { type RunningDevhost, startDevhostProcess } from '../../support/devhostProcess';
import { orderRequest } from '../../support/orders';
import { extractEntries, readZip } from './zipContents';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '..', '..', '..');
const listFunctions = path.join(__dirname, 'fixtures', 'listFunctions.js');
const devhostCli = path.join(repoRoot, 'devhost', 'dist', 'main.js');

interface LockEntry {
  version?: string;
  optional?: boolean;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/**
 * The lockfile entries the app needs in production: the closure of the root's `dependencies`,
 * resolved as Node does (nearest `node_modules` first). Lockfile `dev` flags cannot say this in a
 * workspace, where the devhost package's own dependencies count as production for npm.
 */
function productionClosure(packages: Record<string, LockEntry>): Set<string> {
  const found = new Set<string>();
  const resolve = (from: string, name: string): string | undefined => {
    for (let dir = from; ;) {
      const key = `${dir ? `${dir}/` : ''}node_modules/${name}`;
      if (packages[key]) return key;
      if (!dir) return undefined;
      const at = dir.lastIndexOf('/node_modules/');
      dir = at < 0 ? '' : dir.slice(0, at);
    }
  };
  const visit = (key: string): void => {
    const entry = packages[key];
    if (!entry) return;
    const needs = { ...entry.dependencies, ...entry.optionalDependencies };
    for (const name of Object.keys(needs)) {
      const target = resolve(key, name);
      if (target && !found.has(target)) {
        found.add(target);
        visit(target);
      }
    }
  };
  visit('');
  return found;
}

interface LoadedApp {
  files: string[];
  functions: Array<{ name: string; triggers: string[] }>;
}

/** Loads an app folder as the Node worker would, in a separate process, and lists its functions. */
async function loadApp(appDir: string): Promise<LoadedApp> {
  const { stdout } = await run(process.execPath, [listFunctions, appDir], {
    cwd: appDir,
    env: { ...process.env, NODE_PATH: '' },
  });
  return JSON.parse(stdout) as LoadedApp;
}

let workDir: string;
let unpacked: Promise<string> | undefined;

/** The zip, unpacked once into a folder of its own outside the repository. */
function unpack(): Promise<string> {
  unpacked ??= (async () => {
    const target = path.join(workDir, 'unpacked');
    await extractEntries(zipped, target);
    return target;
  })();
  return unpacked;
}

let result: PackageResult;
let zipped: Map<string, Uint8Array>;
let entries: string[];

beforeAll(async () => {
  // npm test builds first; a lone `jest test/integration/package` may not have.
  if (!existsSync(path.join(repoRoot, 'dist', 'src')) || !existsSync(devhostCli)) {
    await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: repoRoot,
    });
  }
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'deployment-package-'));
  result = await buildPackage({ root: repoRoot, outDir: path.join(workDir, 'out') });
  zipped = await readZip(result.zipPath);
  entries = [...zipped.keys()];
}, 240_000);

afterAll(async () => {
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

describe('the deployment package', () => {
  it('holds the compiled app, host.json, the manifest and the lockfile', () => {
    expect(entries).toEqual(expect.arrayContaining(['host.json', 'package.json', 'package-lock.json']));
    expect(entries.some((entry) => /^dist\/src\/functions\/[^/]+\.js$/.test(entry))).toBe(true);
    expect(entries).toEqual(expect.arrayContaining(result.appFiles));
  });

  it('leaves out tests, devhost, benchmarks, scripts, infrastructure, sources and local settings', () => {
    const ownFiles = entries.filter((entry) => !entry.startsWith('node_modules/'));
    expect(
      ownFiles.filter((entry) => /^(test|devhost|bench|scripts|infra|docs|src|\.github|\.ci)\//.test(entry)),
    ).toEqual([]);
    expect(ownFiles.filter((entry) => entry.startsWith('dist/') && !entry.startsWith('dist/src/'))).toEqual(
      [],
    );
    expect(ownFiles.filter((entry) => entry.endsWith('.ts'))).toEqual([]);
    expect(ownFiles).not.toContain('local.settings.json');
    expect(ownFiles).not.toContain('.funcignore');
  });

  it('ships every production dependency of the lockfile and no devDependency', async () => {
    const lock = JSON.parse(await fs.readFile(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, LockEntry>;
    };
    const installed = new Set(
      entries
        .filter((entry) => entry.endsWith('/package.json'))
        .map((entry) => entry.slice(0, -'/package.json'.length)),
    );
    const production = productionClosure(lock.packages);
    const packages = Object.entries(lock.packages).filter(([key]) => key.startsWith('node_modules/'));
    const devShipped = packages
      .filter(([key]) => !production.has(key) && installed.has(key))
      .map(([key]) => key);
    const productionMissing = packages
      .filter(([key, entry]) => production.has(key) && !entry.optional && !installed.has(key))
      .map(([key]) => key);
    expect(devShipped).toEqual([]);
    expect(productionMissing).toEqual([]);
    expect(installed).toContain('node_modules/durable-functions');
  });

  it('ships a package.json without scripts or devDependencies', async () => {
    const shipped = JSON.parse(
      await fs.readFile(path.join(result.stagingDir, 'package.json'), 'utf8'),
    ) as Record<string, unknown>;
    const project = JSON.parse(await fs.readFile(path.join(repoRoot, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(shipped).not.toHaveProperty('scripts');
    expect(shipped).not.toHaveProperty('devDependencies');
    expect(shipped.main).toBe(project.main);
    expect(shipped.dependencies).toEqual(project.dependencies);
  });

  it("ships a lockfile that matches its package.json: production entries only, at the project's versions", async () => {
    const read = async (file: string) =>
      (
        JSON.parse(await fs.readFile(file, 'utf8')) as {
          packages: Record<string, LockEntry>;
        }
      ).packages;
    const [shipped, project] = await Promise.all([
      read(path.join(result.stagingDir, 'package-lock.json')),
      read(path.join(repoRoot, 'package-lock.json')),
    ]);
    const closure = productionClosure(project);
    const production = Object.entries(project).filter(([key]) => closure.has(key));
    expect(
      Object.keys(shipped)
        .filter((key) => key !== '')
        .sort(),
    ).toEqual(production.map(([key]) => key).sort());
    expect(production.filter(([key, entry]) => shipped[key]?.version !== entry.version)).toEqual([]);
  });

  it('unpacks to an app that loads from its own node_modules and registers the same functions as the project', async () => {
    const unpacked = await unpack();
    const [fromPackage, fromProject] = await Promise.all([loadApp(unpacked), loadApp(repoRoot)]);
    expect(fromPackage).toEqual(fromProject);
    const triggers = new Set(fromPackage.functions.flatMap((fn) => fn.triggers));
    expect([...triggers]).toEqual(
      expect.arrayContaining(['httpTrigger', 'orchestrationTrigger', 'activityTrigger']),
    );
  }, 60_000);
});

const unzipOnPath = spawnSync('unzip', ['-v']).status === 0;

// An independent reader: the zip must open with Info-ZIP, not only with the library that wrote it.
(unzipOnPath ? it : it.skip)(
  "passes Info-ZIP's integrity test (skipped where `unzip` is not installed)",
  async () => {
    const { stdout } = await run('unzip', ['-tq', result.zipPath]);
    expect(stdout).toMatch(/No errors detected/);
  },
);

describe('the unpacked package in devhost', () => {
  // `devhost start` as a user runs it, on the unpacked folder: its durable engine keeps the task
  // hub in memory; Cosmos DB is the in-process server, seeded, reached with the emulator key.
  let cosmos: TestCosmos;
  let host: RunningDevhost;

  beforeAll(async () => {
    cosmos = await startTestCosmos();
    host = await startDevhostProcess(devhostCli, await unpack(), {
      TASKHUB_NAME: 'PackageTestHub',
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_DATABASE: cosmos.database.id,
      COSMOS_AUTH: 'key',
      COSMOS_KEY: cosmos.key,
      PAYMENT_GATEWAY_LATENCY_MS: '0',
      // Azure has them from infra/app/appSettings.json; without them the host cannot schedule the timers.
      HISTORY_PURGE_SCHEDULE: '0 0 2 * * *',
      ORDER_RECONCILE_SCHEDULE: '0 30 * * * *',
    });
  }, 120_000);

  afterAll(async () => {
    await host?.stop();
    await cosmos?.close();
  });

  it('serves an HTTP function of the app', async () => {
    const response = await fetch(`${host.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { openapi?: unknown; paths?: Record<string, unknown> };
    expect(body.openapi).toEqual(expect.any(String));
    expect(Object.keys(body.paths ?? {})).toEqual(expect.arrayContaining([expect.stringMatching(/orders/)]));
  });

  it('completes an order placed over HTTP, its activities writing to Cosmos DB', async () => {
    const order = orderRequest('package-1', {
      customerId: 'cust-package',
      items: [{ productId: 'gizmo-1', quantity: 2, unitPrice: 5 }],
    });
    const started = await fetch(`${host.url}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(order),
    });
    expect(started.status).toBe(202);
    const { statusQueryGetUri } = (await started.json()) as { statusQueryGetUri: string };
    let status: { runtimeStatus?: string; output?: unknown } = {};
    for (let attempt = 0; attempt < 1000; attempt++) {
      status = (await (await fetch(statusQueryGetUri)).json()) as typeof status;
      if (status.runtimeStatus !== 'Running' && status.runtimeStatus !== 'Pending') break;
      // Polls a workflow that runs on real I/O in another process; no timer is involved.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toMatchObject({
      runtimeStatus: 'Completed',
      output: { status: 'Completed', orderId: 'package-1' },
    });
    const { resource } = await cosmos.containers.orders.item('package-1', 'package-1').read<{ id: string }>();
    expect(resource?.id).toBe('package-1');
  }, 60_000);
});

describe('npm run package on a project that was not built', () => {
  it('stops before installing anything and says to run the build', async () => {
    const project = await fs.mkdtemp(path.join(os.tmpdir(), 'unbuilt-project-'));
    try {
      await fs.writeFile(
        path.join(project, 'package.json'),
        JSON.stringify({ name: 'x', main: 'dist/src/functions/*.js' }),
      );
      await fs.writeFile(path.join(project, 'package-lock.json'), '{}');
      await fs.writeFile(path.join(project, 'host.json'), '{}');
      const attempt = buildPackage({ root: project });
      await expect(attempt).rejects.toBeInstanceOf(PackageError);
      await expect(attempt).rejects.toThrow(/npm run build/);
      expect(existsSync(path.join(project, 'dist', 'package'))).toBe(false);
    } finally {
      await fs.rm(project, { recursive: true, force: true });
    }
  });
});
