import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VirtualClock } from '../../../devhost/src/clock/virtualClock';
import { createMemoryLogger } from '../../../devhost/src/log/logger';
import { startDevhost, type Devhost } from '../../../devhost/src/startDevhost';
import { nativeProcess } from '../../../devhost/src/worker/nativeModules';

const fixture = path.resolve(__dirname, '../../fixtures/timer-app');
const HOUR = 3_600_000;
const SETTINGS = ['TIMER_APP_OUT', 'TICK_SCHEDULE', 'TIMER_APP_QUEUE'];

describe('timer triggers in startDevhost', () => {
  const env = nativeProcess().env;
  let stateDir: string;
  let host: Devhost | undefined;

  beforeEach(async () => {
    stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'devhost-timer-host-'));
    env.TIMER_APP_OUT = path.join(stateDir, 'runs.jsonl');
    env.TICK_SCHEDULE = '0 */5 * * * *';
  });

  afterEach(async () => {
    await host?.stop();
    host = undefined;
    for (const name of SETTINGS) delete env[name];
    await fs.rm(stateDir, { recursive: true, force: true });
  });

  async function runCount(): Promise<number> {
    const text = await fs.readFile(path.join(stateDir, 'runs.jsonl'), 'utf8').catch(() => '');
    return text.split('\n').filter((line) => line.length > 0).length;
  }

  it('serves timer functions on the clock it is given, keeping status in its state folder', async () => {
    const clock = new VirtualClock('2030-01-01T10:00:00Z');
    host = await startDevhost({
      appDir: fixture,
      port: 0,
      stateDir,
      clock,
      banner: false,
      logger: createMemoryLogger(),
    });
    await clock.advance('1h');
    expect(await runCount()).toBe(12);
    const status = JSON.parse(
      await fs.readFile(path.join(stateDir, 'timers', 'tick.json'), 'utf8'),
    ) as unknown;
    expect(status).toMatchObject({ Last: '2030-01-01T11:00:00+00:00', Next: '2030-01-01T11:05:00+00:00' });
  });

  it('warns, without failing, about functions whose trigger type it does not serve', async () => {
    env.TIMER_APP_QUEUE = 'true';
    const logger = createMemoryLogger();
    const clock = new VirtualClock('2030-01-01T10:00:00Z');
    host = await startDevhost({ appDir: fixture, port: 0, stateDir, clock, banner: false, logger });
    const warnings = logger.records.filter((r) => r.level === 'warn').map((r) => r.message);
    expect(warnings).toEqual([expect.stringContaining('queued (queueTrigger)') as unknown]);
    expect(warnings[0]).not.toContain('tick (timerTrigger)');
    await clock.advance(HOUR / 12);
    expect(await runCount()).toBe(1);
  });

  it('runs no timer function that AzureWebJobs.<name>.Disabled turns off, and says so', async () => {
    const logger = createMemoryLogger();
    const clock = new VirtualClock('2030-01-01T10:00:00Z');
    host = await startDevhost({
      appDir: fixture,
      port: 0,
      stateDir,
      clock,
      banner: false,
      logger,
      appSettings: { 'AzureWebJobs.tick.Disabled': 'True' },
    });
    await clock.advance('1h');
    expect(await runCount()).toBe(0);
    expect(logger.records.map((r) => r.message)).toContain(
      "Timer 'tick' is disabled (AzureWebJobs.tick.Disabled); it will not run.",
    );
    await host.stop();
    host = undefined;
    // The setting goes with the host that brought it.
    expect(env['AzureWebJobs.tick.Disabled']).toBeUndefined();
  });

  it('refuses to start when a timer schedule is invalid, naming the function and the field', async () => {
    env.TICK_SCHEDULE = '0 */5 * 32 * *';
    const clock = new VirtualClock('2030-01-01T10:00:00Z');
    await expect(
      startDevhost({
        appDir: fixture,
        port: 0,
        stateDir,
        clock,
        banner: false,
        logger: createMemoryLogger(),
      }),
    ).rejects.toThrow(/Timer function 'tick': .*\{day\} field: 32 is outside 1-31/);
  });
});
