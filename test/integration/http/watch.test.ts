import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startTestHost, type TestHost } from './helpers';

const repo = path.resolve(__dirname, '../../..');

const version = (text: string) => `const { app } = require('@azure/functions');
app.http('version', { methods: ['GET'], handler: () => ({ body: ${JSON.stringify(text)} }) });
`;

let appDir: string;
let t: TestHost;

beforeAll(async () => {
  appDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'devhost-watch-'));
  await fs.promises.symlink(path.join(repo, 'node_modules'), path.join(appDir, 'node_modules'), 'dir');
  await fs.promises.writeFile(path.join(appDir, 'package.json'), JSON.stringify({ main: 'index.js' }));
  await fs.promises.writeFile(path.join(appDir, 'host.json'), '{"version":"2.0"}');
  await fs.promises.writeFile(path.join(appDir, 'index.js'), version('v1'));
  t = await startTestHost(appDir, { watch: true });
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
