import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fixtures } from '../../support/fixtureDevhost';

const repo = path.resolve(__dirname, '../../..');
const cli = path.join(repo, 'devhost', 'dist', 'main.js');

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const children = new Set<ChildProcess>();

function run(args: string[]): Running {
  const child = spawn(process.execPath, [cli, ...args], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  children.add(child);
  void exited.then(() => children.delete(child));
  return { child, output: () => output, exited };
}

/** Resolves once the output matches (the child's pipe may lag behind its HTTP answers). */
async function outputMatching(running: Running, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 5000;
  while (!pattern.test(running.output())) {
    if (Date.now() > deadline)
      throw new Error(`output never matched ${String(pattern)}:\n${running.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return running.output();
}

/** Resolves with the origin once the banner says where devhost listens. */
async function listening(running: Running): Promise<string> {
  for (;;) {
    const match = /Listening on (http:\/\/[^\s"]+)/.exec(running.output());
    if (match) return match[1]!;
    const code = await Promise.race([running.exited, new Promise((r) => setTimeout(r, 50, 'waiting'))]);
    if (code !== 'waiting') throw new Error(`devhost exited (${String(code)}):\n${running.output()}`);
  }
}

let stateDir: string;

beforeAll(async () => {
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first (npm test does).`);
  stateDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'devhost-cli-'));
});
afterEach(() => {
  // A failed assertion must not leave a devhost running (it would keep jest alive).
  for (const child of children) child.kill('SIGKILL');
});
afterAll(() => fs.promises.rm(stateDir, { recursive: true, force: true }));

describe('devhost CLI', () => {
  test('serves an app on port 0, prints the banner without key values, and exits 0 on SIGTERM', async () => {
    const running = run([
      'start',
      '--app-dir',
      path.join(fixtures, 'http-app'),
      '--port',
      '0',
      '--state-dir',
      stateDir,
      '--enforce-keys',
    ]);
    const origin = await listening(running);
    const res = await fetch(`${origin}/api/hello`);
    expect(res.status).toBe(200);
    expect((await fetch(`${origin}/api/auth/function`)).status).toBe(401);
    const keys = JSON.parse(await fs.promises.readFile(path.join(stateDir, 'keys.json'), 'utf8')) as {
      masterKey: string;
    };
    expect(running.output()).toContain(`${origin}/api/auth/function?code=<see keys.json>`);
    expect(running.output()).toContain(path.join(stateDir, 'keys.json'));
    expect(running.output()).not.toContain(keys.masterKey);
    await outputMatching(running, /Executed 'Functions\.hello' \(Succeeded, Id=[0-9a-f-]+, Duration=\d+ms\)/);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
  });

  test('--log json prints one JSON object per line with the invocation fields', async () => {
    const running = run([
      'start',
      '--app-dir',
      path.join(fixtures, 'http-app'),
      '--port',
      '0',
      '--state-dir',
      stateDir,
      '--log',
      'json',
    ]);
    const origin = await listening(running);
    await fetch(`${origin}/api/hello`);
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(0);
    const records = running
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.find((r) => r.function === 'hello')).toMatchObject({
      level: 'info',
      outcome: 'Succeeded',
      source: 'Functions.hello',
    });
  });

  test('an unhandled rejection or a throw in a timer fails that invocation and devhost stays up', async () => {
    const running = run([
      'start',
      '--app-dir',
      path.join(fixtures, 'slow-app'),
      '--port',
      '0',
      '--state-dir',
      stateDir,
    ]);
    const origin = await listening(running);
    expect((await fetch(`${origin}/api/leaksRejection`)).status).toBe(500);
    expect((await fetch(`${origin}/api/throwsLater`)).status).toBe(500);
    expect(await (await fetch(`${origin}/api/rejectsAfterReturn`)).text()).toBe('returned first');
    await outputMatching(
      running,
      /rejected after the response \(raised after 'Functions\.rejectsAfterReturn' completed/,
    );
    expect(await (await fetch(`${origin}/api/fast`)).text()).toBe('fast');
    await outputMatching(running, /Executed 'Functions\.throwsLater' \(Failed/);
    expect(running.output()).toContain('unhandledRejection in function code: nobody awaited this');
    expect(running.output()).toContain('uncaughtException in function code: thrown from a timer callback');
    expect(running.output()).toMatch(/Executed 'Functions\.leaksRejection' \(Failed/);
    expect(running.output()).toMatch(/slow-app\/index\.js:\d+/);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
  });

  test.each([
    ['throws-at-load', /throws-at-load\/index\.js threw: COSMOS_ENDPOINT is not set/],
    ['no-match', /Found zero files matching "dist\/src\/functions\/\*\.js"[\s\S]*npm run build/],
    ['does-not-exist', /does not exist[\s\S]*--app-dir/],
  ])('an app that cannot load (%s) exits non-zero with a message naming the file', async (app, message) => {
    const running = run([
      'start',
      '--app-dir',
      path.join(fixtures, app),
      '--port',
      '0',
      '--state-dir',
      stateDir,
    ]);
    expect(await running.exited).toBe(1);
    expect(running.output()).toMatch(message);
  });

  test('an unknown flag exits 2 with the valid options', async () => {
    const running = run(['start', '--prot', '1']);
    expect(await running.exited).toBe(2);
    expect(running.output()).toContain("Unknown option '--prot'. Valid options: --app-dir");
  });

  test('--help prints the usage', async () => {
    const running = run(['--help']);
    expect(await running.exited).toBe(0);
    expect(running.output()).toContain('Usage: devhost start [options]');
  });

  test('the devhost command that installing the workspace links runs the built command line', async () => {
    // `npm ci` on a fresh clone links the bin before anything is built: the launcher it links to
    // is in the repository, so `npm start` and `npx devhost` find the command.
    const command = path.join(repo, 'node_modules', '.bin', 'devhost');
    const child = spawn(command, ['--help'], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(output).toContain('Usage: devhost start [options]');
  });

  test('the launcher says what to do when devhost is not built yet', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devhost-unbuilt-'));
    try {
      fs.mkdirSync(path.join(dir, 'bin'));
      const launcher = path.join(dir, 'bin', 'devhost.js');
      fs.copyFileSync(path.join(repo, 'devhost', 'bin', 'devhost.js'), launcher);
      const child = spawn(process.execPath, [launcher, '--help'], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(1);
      expect(output).toContain('devhost is not built yet');
      expect(output).toContain('npm run build');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
