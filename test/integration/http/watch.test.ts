import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFixtureDevhost, type FixtureDevhost } from '../../support/fixtureDevhost';

const repo = path.resolve(__dirname, '../../..');

const version = (text: string) => `const { app } = require('@azure/functions');
app.http('version', { methods: ['GET'], handler: () => ({ body: ${JSON.stringify(text)} }) });
`;

let appDir: string;
let t: FixtureDevhost;

beforeAll(async () => {
  appDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'devhost-watch-'));
  await fs.promises.symlink(path.join(repo, 'node_modules'), path.join(appDir, 'node_modules'), 'dir');
  await fs.promises.writeFile(path.join(appDir, 'package.json'), JSON.stringify({ main: 'index.js' }));
  await fs.promises.writeFile(path.join(appDir, 'host.json'), '{"version":"2.0"}');
  await fs.promises.writeFile(path.join(appDir, 'index.js'), version('v1'));
  t = await startFixtureDevhost(appDir, { watch: true });
});
afterAll(async () => {
  await t.close();
  await fs.promises.rm(appDir, { recursive: true, force: true });
});

/** Polls until the function answers `expected` (the reload is asynchronous by nature). */
async function until(expected: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const body = await (await fetch(`${t.host.url}/api/version`)).text();
    if (body === expected) return;
    if (Date.now() > deadline) throw new Error(`still '${body}', expected '${expected}'`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('--watch', () => {
  test('a change to the compiled files reloads the app and keeps the host, its port and keys', async () => {
    const keys = t.host.keys.keys;
    await until('v1');
    await fs.promises.writeFile(path.join(appDir, 'index.js'), version('v2'));
    await until('v2');
    expect(t.host.keys.keys).toBe(keys);
    expect(t.logger.records.some((r) => /Reloaded the app: 1 function/.test(r.message))).toBe(true);
  });

  test('a change that breaks loading keeps the last good app serving and logs the error', async () => {
    await fs.promises.writeFile(path.join(appDir, 'index.js'), version('v3'));
    await until('v3');
    await fs.promises.writeFile(path.join(appDir, 'index.js'), "throw new Error('half-written file');\n");
    const deadline = Date.now() + 10_000;
    while (!t.logger.records.some((r) => /half-written file/.test(r.message))) {
      if (Date.now() > deadline) throw new Error('the failed reload was not logged');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await (await fetch(`${t.host.url}/api/version`)).text()).toBe('v3');
  });
});

describe('--watch with a build script', () => {
  let builtApp: string;
  let host: FixtureDevhost;

  beforeAll(async () => {
    builtApp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'devhost-watch-build-'));
    await fs.promises.symlink(path.join(repo, 'node_modules'), path.join(builtApp, 'node_modules'), 'dir');
    const pkg = { main: 'dist/index.js', scripts: { build: 'node build.js' } };
    await fs.promises.writeFile(path.join(builtApp, 'package.json'), JSON.stringify(pkg));
    await fs.promises.writeFile(path.join(builtApp, 'host.json'), '{"version":"2.0"}');
    // The "compiler": copies src to dist, as tsc would emit it.
    await fs.promises.writeFile(
      path.join(builtApp, 'build.js'),
      "const fs = require('fs'); fs.mkdirSync('dist', { recursive: true }); fs.copyFileSync('src/index.js', 'dist/index.js');\n",
    );
    await fs.promises.mkdir(path.join(builtApp, 'src'));
    await fs.promises.mkdir(path.join(builtApp, 'dist'));
    await fs.promises.writeFile(path.join(builtApp, 'src', 'index.js'), version('built v1'));
    await fs.promises.writeFile(path.join(builtApp, 'dist', 'index.js'), version('built v1'));
    host = await startFixtureDevhost(builtApp, { watch: true });
  });
  afterAll(async () => {
    await host.close();
    await fs.promises.rm(builtApp, { recursive: true, force: true });
  });

  test('a source change runs npm run build, then the rebuilt app is served', async () => {
    await fs.promises.writeFile(path.join(builtApp, 'src', 'index.js'), version('built v2'));
    const deadline = Date.now() + 20_000;
    for (;;) {
      const body = await (await fetch(`${host.host.url}/api/version`)).text();
      if (body === 'built v2') break;
      if (Date.now() > deadline) throw new Error(`still '${body}'`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(host.logger.records.some((r) => r.message === 'Change detected: running npm run build')).toBe(
      true,
    );
    expect(host.logger.records.filter((r) => r.message.startsWith('Change detected')).length).toBe(1);
  });
});
