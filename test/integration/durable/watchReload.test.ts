/**
 * `--watch` reloads under load: a client calling the starter route, the status route and the
 * Durable status webhook while the app is rebuilt and reloaded twice sees only right answers or
 * 503 + Retry-After (never 404/500), and every instance it started completes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { durablePlugin } from '../../../devhost/src/durable/engine/durablePlugin';
import { startFixtureDevhost, type FixtureDevhost } from '../../support/fixtureDevhost';
import { hammerReadyApp } from '../../support/readyAppClient';

const repo = path.resolve(__dirname, '../../..');
const readyApp = path.join(repo, 'test/fixtures/ready-app');

let appDir: string;
let t: FixtureDevhost;

beforeAll(async () => {
  appDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'devhost-watch-ready-'));
  await fs.promises.symlink(path.join(repo, 'node_modules'), path.join(appDir, 'node_modules'), 'dir');
  for (const file of ['package.json', 'index.js']) {
    await fs.promises.copyFile(path.join(readyApp, file), path.join(appDir, file));
  }
  await fs.promises.writeFile(
    path.join(appDir, 'host.json'),
    JSON.stringify({ version: '2.0', extensions: { durableTask: { hubName: 'WatchReadyHub' } } }),
  );
  t = await startFixtureDevhost(appDir, { watch: true, plugins: [durablePlugin({ rpcPort: 0 })] });
});

afterAll(async () => {
  await t?.close();
  await fs.promises.rm(appDir, { recursive: true, force: true });
});

async function reloaded(count: number): Promise<void> {
  while (t.logger.records.filter((r) => r.message.startsWith('Reloaded the app')).length < count) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('requests during --watch reloads get the right answer or 503, and no instance is lost', async () => {
  const client = hammerReadyApp(t.host.url, 'watch');
  const source = await fs.promises.readFile(path.join(appDir, 'index.js'), 'utf8');
  try {
    await client.startsAnswered(3);
    for (const round of [1, 2]) {
      await fs.promises.writeFile(path.join(appDir, 'index.js'), `${source}\n// edit ${round}\n`);
      await reloaded(round);
      await client.startsAnswered(3);
    }
  } finally {
    await client.stop();
  }
  expect(client.wrongAnswers()).toEqual([]);
  expect(client.connectionErrors()).toBe(0);
  for (const { id } of client.started) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const res = await fetch(`${t.host.url}/api/sequences/${id}`);
      const body = (await res.json()) as { runtimeStatus: string; output: unknown };
      if (body.runtimeStatus === 'Completed') {
        expect(body.output).toEqual([2, 4, 6]);
        break;
      }
      if (Date.now() > deadline) throw new Error(`${id} is still ${body.runtimeStatus}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
});
