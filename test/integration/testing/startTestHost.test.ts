import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startTestHost, type TestHost } from '../../../devhost/src/testing/startTestHost';
import { nativeProcess } from '../../../devhost/src/worker/nativeModules';

const timerApp = path.resolve(__dirname, '../../fixtures/timer-app');
const SETTINGS = ['TIMER_APP_OUT', 'TICK_SCHEDULE', 'TIMER_APP_KICKOFF'];

interface Run {
  fn: string;
  instanceId?: string;
  startedAt?: string;
}

describe('startTestHost with timer triggers', () => {
  // The app reads its settings from Node's real process, as under the worker.
  const env = nativeProcess().env;
  let dir: string;
  let host: TestHost | undefined;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'devhost-test-host-'));
    env.TIMER_APP_OUT = path.join(dir, 'runs.jsonl');
  });

  afterEach(async () => {
    await host?.stop();
    host = undefined;
    for (const name of SETTINGS) delete env[name];
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function runs(): Promise<Run[]> {
    const text = await fs.readFile(path.join(dir, 'runs.jsonl'), 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Run);
  }

  it('runs timer functions on the virtual clock: one hour of 0 */5 * * * * is 12 runs', async () => {
    env.TICK_SCHEDULE = '0 */5 * * * *';
    host = await startTestHost({ appDir: timerApp, startAt: '2030-01-01T10:00:00Z' });
    await host.clock.advance('1h');
    expect((await runs()).filter((r) => r.fn === 'tick')).toHaveLength(12);
  });

  it("finishes an orchestration a timer run starts before the clock moves to the timer's next run", async () => {
    // The tick timer stays quiet (once a year) so only the hourly kickoff runs.
    env.TICK_SCHEDULE = '0 0 0 1 1 *';
    env.TIMER_APP_KICKOFF = 'true';
    host = await startTestHost({ appDir: timerApp, startAt: '2030-01-01T00:30:00Z' });
    await host.clock.advance('2h');
    const all = await runs();
    const started = all.filter((r) => r.fn === 'kickoff').map((r) => r.instanceId!);
    expect(started).toHaveLength(2);
    expect(all.filter((r) => r.fn === 'kickoffWork').map((r) => r.startedAt)).toEqual([
      '2030-01-01T01:00:00.000Z',
      '2030-01-01T02:00:00.000Z',
    ]);
    const first = await host.client.getStatus(started[0]!);
    expect(first).toMatchObject({ runtimeStatus: 'Completed', output: '2030-01-01T01:00:00.000Z' });
    expect(first?.lastUpdatedTime).toBe('2030-01-01T01:00:00Z');
  });
});
