import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Timer } from '@azure/functions';
import { createMemoryLogger } from '../../../devhost/src/log/logger';
import { TimerStartError, TimerTriggerServer } from '../../../devhost/src/timers/timerTriggerServer';
import { FunctionApp } from '../../../devhost/src/worker/functionApp';
import { nativeProcess } from '../../../devhost/src/worker/nativeModules';
import { VirtualClock } from '../../../devhost/src/clock/virtualClock';

const fixture = path.resolve(__dirname, '../../fixtures/timer-app');
const START = '2030-01-01T10:00:00Z';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface Run {
  fn: string;
  timer: Timer;
  taskHubName?: string;
  retryCount: number | null;
}

describe('timer triggers on the real worker seam (fixture timer-app)', () => {
  let stateDir: string;
  let outFile: string;
  let clock: VirtualClock;
  let env: NodeJS.ProcessEnv;
  const running: { server: TimerTriggerServer; app: FunctionApp }[] = [];

  beforeEach(async () => {
    stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'devhost-timer-app-'));
    outFile = path.join(stateDir, 'runs.jsonl');
    clock = new VirtualClock(START);
    // The app runs in Node's real process (as under the worker), not in jest's copy of it.
    env = nativeProcess().env;
    env.TIMER_APP_OUT = outFile;
    env.TICK_SCHEDULE = '0 */5 * * * *';
    delete env.TICK_RUN_ON_STARTUP;
    delete env.TICK_FAIL;
    delete env.TIMER_APP_DURABLE;
    delete env.TICK_RETRY;
  });

  afterEach(async () => {
    for (const host of running.splice(0)) await stopHost(host);
    await fs.rm(stateDir, { recursive: true, force: true });
    for (const name of [
      'TIMER_APP_OUT',
      'TICK_SCHEDULE',
      'TICK_RUN_ON_STARTUP',
      'TICK_FAIL',
      'TIMER_APP_DURABLE',
    ]) {
      delete env[name];
    }
  });

  async function startHost(beforeStart?: (app: FunctionApp) => void) {
    const logger = createMemoryLogger();
    const app = await FunctionApp.load({ appDir: fixture, logger });
    beforeStart?.(app);
    const server = new TimerTriggerServer({ stateDir });
    const host = { server, app, logger };
    try {
      await server.start({ app, clock, logger, env, origin: 'http://127.0.0.1:7071' });
    } catch (error) {
      await app.terminate();
      throw error;
    }
    running.push(host);
    return host;
  }

  async function stopHost(host: { server: TimerTriggerServer; app: FunctionApp }): Promise<void> {
    const index = running.indexOf(host);
    if (index >= 0) running.splice(index, 1);
    await host.server.stop();
    await host.app.terminate();
  }

  async function runs(): Promise<Run[]> {
    const text = await fs.readFile(outFile, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Run);
  }

  it('fires a 0 */5 * * * * function exactly 12 times when the clock advances one hour', async () => {
    await startHost();
    await clock.advance(HOUR);
    const all = await runs();
    expect(all).toHaveLength(12);
    // The library camel-cases the host's TimerInfo JSON.
    expect(all[1]?.timer).toEqual({
      schedule: { adjustForDST: true },
      scheduleStatus: {
        last: '2030-01-01T10:05:00+00:00',
        next: '2030-01-01T10:10:00+00:00',
        lastUpdated: '2030-01-01T10:05:00+00:00',
      },
      isPastDue: false,
    });
  });

  it('runs once at start with runOnStartup', async () => {
    env.TICK_RUN_ON_STARTUP = 'true';
    await startHost();
    await clock.advance(0);
    expect(await runs()).toHaveLength(1);
    await clock.advance(HOUR);
    expect(await runs()).toHaveLength(13);
  });

  it('runs an occurrence missed during downtime once at start, with isPastDue true', async () => {
    const first = await startHost();
    await clock.advance(5 * MINUTE);
    await stopHost(first);
    await clock.advance(HOUR);
    await startHost();
    await clock.advance(0);
    const all = await runs();
    expect(all.map((r) => r.timer.isPastDue)).toEqual([false, true]);
    expect(all[1]?.timer.scheduleStatus).toMatchObject({
      last: '2030-01-01T10:05:00+00:00',
      next: '2030-01-01T10:10:00+00:00',
    });
  });

  it('keeps the schedule status across a restart', async () => {
    const first = await startHost();
    await clock.advance(10 * MINUTE);
    await stopHost(first);
    const saved = JSON.parse(
      await fs.readFile(path.join(stateDir, 'timers', 'tick.json'), 'utf8'),
    ) as unknown;
    expect(saved).toEqual({
      Last: '2030-01-01T10:10:00+00:00',
      Next: '2030-01-01T10:15:00+00:00',
      LastUpdated: '2030-01-01T10:10:00+00:00',
    });
    await startHost();
    await clock.advance(5 * MINUTE);
    const all = await runs();
    expect(all).toHaveLength(3);
    expect(all[2]?.timer).toMatchObject({
      isPastDue: false,
      scheduleStatus: { last: '2030-01-01T10:10:00+00:00' },
    });
  });

  it('fails at start with a message naming the function and the field of an invalid schedule', async () => {
    env.TICK_SCHEDULE = '0 */5 * * 13 *';
    const start = startHost();
    await expect(start).rejects.toThrow(TimerStartError);
    await expect(start).rejects.toThrow(/Timer function 'tick': .*\{month\} field: 13 is outside 1-12/);
  });

  it('logs a failed run and keeps the schedule', async () => {
    env.TICK_FAIL = 'true';
    const { logger } = await startHost();
    await clock.advance(15 * MINUTE);
    expect(await runs()).toHaveLength(3);
    const failures = logger.records.filter(
      (r) => r.level === 'error' && r.message.startsWith("Timer 'tick' failed"),
    );
    expect(failures).toHaveLength(3);
    expect(failures[0]?.message).toContain('tick failed on purpose');
  });

  it('fills a durable client input through the worker seam for df.app.client.timer functions', async () => {
    env.TIMER_APP_DURABLE = 'true';
    env.TICK_SCHEDULE = '0 0 0 1 1 *';
    const payload = {
      taskHubName: 'TimerHub',
      creationUrls: {},
      managementUrls: {},
      baseUrl: 'http://127.0.0.1:9/runtime/webhooks/durabletask',
      requiredQueryStringParameters: '',
    };
    const origins: (string | undefined)[] = [];
    await startHost((app) => {
      // Stands in for the durable engine's provider.
      app.registerInputProvider('durableClient', (_binding, _fn, request) => {
        origins.push(request.origin);
        return { json: JSON.stringify(payload) };
      });
    });
    await clock.advance(HOUR);
    const durable = (await runs()).filter((r) => r.fn === 'durableTick');
    expect(durable).toHaveLength(1);
    expect(durable[0]).toMatchObject({ taskHubName: 'TimerHub', timer: { isPastDue: false } });
    expect(origins).toEqual(['http://127.0.0.1:7071']);
  });

  it('retries a failed run per the function retry options, with context.retryContext counting', async () => {
    env.TICK_FAIL = 'true';
    env.TICK_RETRY = 'true';
    await startHost();
    await clock.advance(5 * MINUTE + 30_000);
    expect((await runs()).map((r) => r.retryCount)).toEqual([0, 1, 2]);
  });
});
