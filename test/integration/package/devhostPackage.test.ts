/**
 * The devhost package outside this repository: packed, installed into a plain CommonJS durable app
 * (test/fixtures/js-app) in a temporary folder, started with its `devhost` bin, driven over HTTP
 * through every Durable Functions pattern, and then used by that app's own jest tests. Slow (it
 * installs about 500 packages from the npm cache): jest's `slow` project runs test/integration/package/.
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type RunningDevhost, startDevhostProcess } from '../../support/devhostProcess';
import { assertDevhostBuilt, npm, packDevhost, repoRoot } from './npmPack';

const run = promisify(execFile);
const fixtureDir = path.join(repoRoot, 'test', 'fixtures', 'js-app');

interface CheckStatus {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
}

interface Status {
  runtimeStatus?: string;
  customStatus?: unknown;
  output?: unknown;
}

let workDir: string;
let appDir: string;

beforeAll(async () => {
  assertDevhostBuilt();
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'devhost-package-'));
  appDir = path.join(workDir, 'js-app');
  const [{ filename }] = await Promise.all([
    packDevhost({ destination: workDir }),
    fs.cp(fixtureDir, appDir, {
      recursive: true,
      filter: (source) => !/[\\/](node_modules|\.devhost)$/.test(source),
    }),
  ]);
  // The app's dependencies and the tarball, from the npm cache the repository's install filled.
  // The emulators are optional dependencies of devhost: this app needs neither.
  await npm(
    [
      'install',
      '--save-dev',
      '--omit=optional',
      '--prefer-offline',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      path.join(workDir, filename),
    ],
    appDir,
    240_000,
  );
}, 300_000);

afterAll(async () => {
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

it("installs from the tarball beside the app's own SDK copies, without the optional emulators", () => {
  const installed = (name: string) => path.join(appDir, 'node_modules', ...name.split('/'));
  expect(existsSync(path.join(installed('devhost'), 'dist', 'testing', 'index.js'))).toBe(true);
  expect(existsSync(path.join(installed('devhost'), 'src'))).toBe(false);
  // The peers resolve to the app's copies: npm did not nest a second SDK inside devhost.
  expect(existsSync(path.join(installed('devhost'), 'node_modules', 'durable-functions'))).toBe(false);
  expect(existsSync(path.join(installed('devhost'), 'node_modules', '@azure', 'functions'))).toBe(false);
  expect(existsSync(installed('durable-functions'))).toBe(true);
  expect(existsSync(installed('azurite'))).toBe(false);
  expect(existsSync(installed('@vercel/cosmosdb-server'))).toBe(false);
});

it('names the missing optional package when a test asks for the Cosmos emulator', async () => {
  const script =
    "require('devhost/testing').testCosmos().then(() => console.log('started'), (e) => console.log(e.name, e.message))";
  const { stdout } = await run(process.execPath, ['-e', script], { cwd: appDir, timeout: 30_000 });
  expect(stdout).toMatch(/^MissingPackageError @vercel\/cosmosdb-server is not installed/);
});

describe('the app under `devhost start`', () => {
  let host: RunningDevhost;

  beforeAll(async () => {
    host = await startDevhostProcess(path.join(appDir, 'node_modules', '.bin', 'devhost'), appDir);
  }, 60_000);

  afterAll(async () => {
    await host?.stop();
  });

  async function post(route: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(route.startsWith('http') ? route : `${host.url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  }

  /** The HTTP starter: answers 202 with createCheckStatusResponse's links. */
  async function start(orchestration: string, input?: unknown): Promise<CheckStatus> {
    const started = await post(`/api/orchestrators/${orchestration}`, input);
    expect(started.status).toBe(202);
    return started.body as CheckStatus;
  }

  /** Polls until `done` holds: the work runs in the devhost process on real time; no timer is waited for. */
  async function poll<T>(
    read: () => Promise<T>,
    done: (value: T) => boolean,
    timeoutMs = 20_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  const statusOf = async (links: CheckStatus): Promise<Status> =>
    (await (await fetch(links.statusQueryGetUri)).json()) as Status;

  const completion = (links: CheckStatus): Promise<Status> =>
    poll(
      () => statusOf(links),
      (status) => status.runtimeStatus !== 'Pending' && status.runtimeStatus !== 'Running',
    );

  it("chains activities, with status links on the app's own task hub", async () => {
    const links = await start('helloCities', ['Lisbon', 'Oslo', 'Nairobi']);
    expect(new URL(links.statusQueryGetUri).searchParams.get('taskHub')).toBe('JsPatternsHub');
    expect(await completion(links)).toMatchObject({
      runtimeStatus: 'Completed',
      output: ['Hello Lisbon!', 'Hello Oslo!', 'Hello Nairobi!'],
    });
  });

  it('fans out one activity per work item and fans their results in', async () => {
    const links = await start('fanOutFanIn', { size: 6 });
    expect(await completion(links)).toMatchObject({
      runtimeStatus: 'Completed',
      output: { items: 6, total: 210 },
    });
  });

  it('completes an approval raised through the sendEventPostUri of createCheckStatusResponse', async () => {
    const links = await start('approvalWorkflow', {
      requestId: 'req-http',
      approver: 'boss',
      timeoutMinutes: 60,
    });
    const waiting = await poll(
      () => statusOf(links),
      (status) => status.customStatus === 'Awaiting approval',
    );
    expect(waiting).toMatchObject({ runtimeStatus: 'Running', customStatus: 'Awaiting approval' });
    const raised = await fetch(links.sendEventPostUri.replace('{eventName}', 'ApprovalEvent'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ approved: true, by: 'ada' }),
    });
    expect(raised.status).toBe(202);
    // Completed at once: the hour-long timeout timer was cancelled, not waited for.
    expect(await completion(links)).toMatchObject({
      runtimeStatus: 'Completed',
      output: { requestId: 'req-http', outcome: 'Approved', by: 'ada' },
    });
  });

  it('runs a monitor loop on durable timers until the job is done', async () => {
    // Zero-second intervals: each timer is due when it is created, so real time never has to pass.
    const links = await start('jobMonitor', {
      jobId: 'job-http',
      readyAfterChecks: 3,
      pollingIntervalSeconds: 0,
    });
    expect(await completion(links)).toMatchObject({
      runtimeStatus: 'Completed',
      output: { jobId: 'job-http', state: 'Done', checks: 3 },
    });
  });

  it('signals the counter entity over HTTP and reads its state back', async () => {
    expect(await post('/api/counter/http-1', { op: 'add', value: 5 })).toEqual({
      status: 202,
      body: { key: 'http-1', signalled: 'add' },
    });
    expect((await post('/api/counter/http-1', { op: 'add', value: 2 })).status).toBe(202);
    const read = () => fetch(`${host.url}/api/counter/http-1`).then(async (r) => (await r.json()) as unknown);
    expect(await poll(read, (state) => (state as { value?: number }).value === 7)).toEqual({
      key: 'http-1',
      value: 7,
    });
    expect(await post('/api/counter/http-1', { op: 'subtract' })).toMatchObject({
      status: 400,
      body: { error: { field: 'op' } },
    });
  });
});

it("passes the app's own jest tests, which import devhost/testing and advance its virtual clock", async () => {
  // `npx --no jest` in the app folder; --json puts the report alone on standard output.
  const report = JSON.parse(await npm(['exec', '--no', '--', 'jest', '--ci', '--json'], appDir)) as {
    success: boolean;
    numPassedTests: number;
    numFailedTests: number;
    testResults: Array<{ assertionResults: Array<{ title: string; status: string }> }>;
  };
  expect({ success: report.success, failed: report.numFailedTests }).toEqual({ success: true, failed: 0 });
  const passed = report.testResults.flatMap((file) =>
    file.assertionResults.filter((test) => test.status === 'passed').map((test) => test.title),
  );
  expect(passed).toEqual(
    expect.arrayContaining([
      'an approval nobody answers escalates once the hour is up, not before',
      'the monitor checks the job every five minutes until it is done',
      'the counter adds what it is signalled',
    ]),
  );
}, 150_000);
