import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TimerStartError, TimerTriggerServer } from '../../../../devhost/src/timers/timerTriggerServer';
import type { Clock } from '../../../../devhost/src/clock/clock';
import type { RegisteredFunction } from '../../../../devhost/src/worker/types';
import { VirtualClock } from '../../../../devhost/src/clock/virtualClock';
import { captureLogger, RecordingApp, timerFunction } from './support';

const START = '2030-01-01T10:00:00Z';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const iso = (ms: number): string => new Date(ms).toISOString();

describe('the timer trigger server', () => {
  let appDir: string;
  let clock: VirtualClock;
  const servers: TimerTriggerServer[] = [];

  beforeEach(async () => {
    appDir = await fs.mkdtemp(path.join(os.tmpdir(), 'devhost-timer-server-'));
    clock = new VirtualClock(START);
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
    await fs.rm(appDir, { recursive: true, force: true });
  });

  async function startHost(functions: RegisteredFunction[], settings: Record<string, string> = {}) {
    const app = new RecordingApp(appDir, clock, functions);
    const logger = captureLogger();
    const server = new TimerTriggerServer({ random: () => 0.5 });
    servers.push(server);
    await server.start({ app, clock, logger, env: settings });
    return { app, logger, server };
  }

  async function stopHost(server: TimerTriggerServer): Promise<void> {
    servers.splice(servers.indexOf(server), 1);
    await server.stop();
  }

  it('declares the timerTrigger type', () => {
    expect(new TimerTriggerServer().triggerTypes).toEqual(['timerTrigger']);
  });

  it('fires a five-minute schedule exactly 12 times in an hour, each with its due time as Next', async () => {
    const { app } = await startHost([timerFunction('tick', { schedule: '0 */5 * * * *' })]);
    await clock.advance(HOUR);
    expect(app.invocations).toHaveLength(12);
    expect(app.invocations.map((i) => iso(i.at))).toEqual(
      Array.from({ length: 12 }, (_, k) => iso(Date.parse(START) + (k + 1) * 5 * MINUTE)),
    );
    const second = app.invocations[1];
    expect(second?.timer).toEqual({
      Schedule: { AdjustForDST: true },
      ScheduleStatus: {
        Last: '2030-01-01T10:05:00+00:00',
        Next: '2030-01-01T10:10:00+00:00',
        LastUpdated: '2030-01-01T10:05:00+00:00',
      },
      IsPastDue: false,
    });
  });

  it('hands the first invocation default Last and LastUpdated, as the host does', async () => {
    const { app } = await startHost([timerFunction('tick', { schedule: '0 */5 * * * *' })]);
    await clock.advance(5 * MINUTE);
    expect(app.invocations[0]?.timer.ScheduleStatus).toEqual({
      Last: '0001-01-01T00:00:00+00:00',
      Next: '2030-01-01T10:05:00+00:00',
      LastUpdated: '0001-01-01T00:00:00+00:00',
    });
  });

  it('runs once at start with runOnStartup, then keeps the schedule', async () => {
    const { app } = await startHost([
      timerFunction('tick', { schedule: '0 */5 * * * *', runOnStartup: true }),
    ]);
    await clock.advance(0);
    expect(app.invocations).toHaveLength(1);
    expect(app.invocations[0]?.at).toBe(Date.parse(START));
    expect(app.invocations[0]?.timer.IsPastDue).toBe(false);
    await clock.advance(HOUR);
    expect(app.invocations).toHaveLength(13);
  });

  it('runs a missed occurrence once at start with isPastDue, then resumes the schedule', async () => {
    const fn = timerFunction('tick', { schedule: '0 */5 * * * *' });
    const first = await startHost([fn]);
    await clock.advance(10 * MINUTE);
    expect(first.app.invocations).toHaveLength(2);
    await stopHost(first.server);

    await clock.advance(HOUR); // downtime: 12 occurrences missed
    const second = await startHost([fn]);
    await clock.advance(0);
    expect(second.app.invocations).toHaveLength(1);
    expect(second.app.invocations[0]?.timer).toMatchObject({
      IsPastDue: true,
      ScheduleStatus: { Last: '2030-01-01T10:10:00+00:00', Next: '2030-01-01T10:15:00+00:00' },
    });
    await clock.advance(5 * MINUTE);
    expect(second.app.invocations.map((i) => i.timer.IsPastDue)).toEqual([true, false]);
    expect(iso(second.app.invocations[1]?.at ?? 0)).toBe('2030-01-01T11:15:00.000Z');
  });

  it('keeps the schedule status across restarts in .devhost/timers/<function>.json', async () => {
    const fn = timerFunction('tick', { schedule: '0 */5 * * * *' });
    const first = await startHost([fn]);
    await clock.advance(5 * MINUTE);
    await stopHost(first.server);
    const file = JSON.parse(
      await fs.readFile(path.join(appDir, '.devhost', 'timers', 'tick.json'), 'utf8'),
    ) as unknown;
    expect(file).toEqual({
      Last: '2030-01-01T10:05:00+00:00',
      Next: '2030-01-01T10:10:00+00:00',
      LastUpdated: '2030-01-01T10:05:00+00:00',
    });

    const second = await startHost([fn]);
    await clock.advance(5 * MINUTE);
    expect(second.app.invocations[0]?.timer).toMatchObject({
      IsPastDue: false,
      ScheduleStatus: { Last: '2030-01-01T10:05:00+00:00', Next: '2030-01-01T10:10:00+00:00' },
    });
  });

  it('fails at start naming every bad function and field, and runs nothing', async () => {
    const app = new RecordingApp(appDir, clock, [
      timerFunction('good', { schedule: '0 */5 * * * *', runOnStartup: true }),
      timerFunction('badMinute', { schedule: '0 61 * * * *' }),
      timerFunction('badFlag', { schedule: '0 0 * * * *', runOnStartup: 'yes' }),
      timerFunction('unsetSetting', { schedule: '%NOT_SET%' }),
    ]);
    const server = new TimerTriggerServer();
    const start = server.start({ app, clock, logger: captureLogger(), env: {} });
    await expect(start).rejects.toThrow(TimerStartError);
    await start.catch((error: TimerStartError) => {
      expect(error.problems.map((p) => [p.functionName, p.field])).toEqual([
        ['badMinute', 'schedule.minute'],
        ['badFlag', 'runOnStartup'],
        ['unsetSetting', 'schedule'],
      ]);
      expect(error.message).toContain(
        "Timer function 'unsetSetting': the schedule refers to the app setting 'NOT_SET', which is not set.",
      );
      expect(error.message).toMatch(
        /Timer function 'badMinute': '0 61 \* \* \* \*' is not a valid cron expression.*\{minute\} field: 61 is outside 0-59/,
      );
    });
    await clock.advance(HOUR);
    expect(app.invocations).toHaveLength(0);
  });

  it('logs a failed invocation and keeps the schedule', async () => {
    const { app, logger } = await startHost([timerFunction('tick', { schedule: '0 */5 * * * *' })]);
    app.behaviour = () => new Error('boom');
    await clock.advance(15 * MINUTE);
    expect(app.invocations).toHaveLength(3);
    expect(logger.lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      "Timer 'tick' failed: boom. The schedule continues.",
      "Timer 'tick' failed: boom. The schedule continues.",
      "Timer 'tick' failed: boom. The schedule continues.",
    ]);
  });

  it('retries a failed run with the fixed delay, passing the retry context, before the next occurrence', async () => {
    const { app } = await startHost([
      timerFunction(
        'tick',
        { schedule: '0 */5 * * * *' },
        {
          strategy: 'fixedDelay',
          maxRetryCount: 3,
          delayInterval: { seconds: 10 },
          retryStrategy: 'fixedDelay',
        },
      ),
    ]);
    let failures = 2;
    app.behaviour = () => (failures-- > 0 ? new Error('flaky') : 'success');
    await clock.advance(5 * MINUTE + 30_000);
    expect(app.invocations.map((i) => [iso(i.at), i.request.retryContext?.retryCount])).toEqual([
      ['2030-01-01T10:05:00.000Z', 0],
      ['2030-01-01T10:05:10.000Z', 1],
      ['2030-01-01T10:05:20.000Z', 2],
    ]);
    expect(app.invocations[2]?.request.retryContext).toEqual({
      retryCount: 2,
      maxRetryCount: 3,
      exception: expect.objectContaining({ message: 'flaky' }) as unknown,
    });
    // The status counts the occurrence, not the retries: next is 10:10.
    await clock.advance(5 * MINUTE);
    expect(iso(app.invocations[3]?.at ?? 0)).toBe('2030-01-01T10:10:00.000Z');
  });

  it('stops retrying after maxRetryCount retries', async () => {
    const { app, logger } = await startHost([
      timerFunction(
        'tick',
        { schedule: '0 0 * * * *' },
        {
          retryStrategy: 'fixedDelay',
          maxRetryCount: 2,
          delayInterval: { seconds: 1 },
        },
      ),
    ]);
    app.behaviour = () => new Error('down');
    await clock.advance(HOUR + 10_000);
    expect(app.invocations).toHaveLength(3);
    expect(logger.lines.some((l) => l.level === 'error' && l.message.includes("'tick' failed: down"))).toBe(
      true,
    );
  });

  it('never overlaps runs: an overrun is followed by one catch-up run, and covered occurrences are skipped', async () => {
    // A clock without a settle hook lets time pass while a run is still going, as real time does.
    const realLike: Clock = {
      now: () => clock.now(),
      schedule: (at, callback) => clock.schedule(at, callback),
    };
    const app = new RecordingApp(appDir, clock, [timerFunction('tick', { schedule: '0 */5 * * * *' })]);
    const server = new TimerTriggerServer();
    servers.push(server);
    await server.start({ app, clock: realLike, logger: captureLogger(), env: {} });
    let finish: () => void = () => undefined;
    app.behaviour = () => new Promise<'success'>((resolve) => (finish = () => resolve('success')));
    await clock.advance(5 * MINUTE);
    app.behaviour = () => 'success';
    await clock.advance(12 * MINUTE); // 10:10 and 10:15 pass while the 10:05 run goes on
    expect(app.invocations).toHaveLength(1);
    finish();
    await server.whenIdle();
    await clock.advance(0);
    await server.whenIdle();
    await clock.advance(5 * MINUTE);
    expect(app.invocations.map((i) => [iso(i.at), i.timer.IsPastDue])).toEqual([
      ['2030-01-01T10:05:00.000Z', false],
      ['2030-01-01T10:17:00.000Z', false],
      ['2030-01-01T10:20:00.000Z', false],
    ]);
  });

  it('passes a null ScheduleStatus and keeps no file when useMonitor is false', async () => {
    const { app } = await startHost([
      timerFunction('tick', { schedule: '0 */5 * * * *', useMonitor: false }),
    ]);
    await clock.advance(5 * MINUTE);
    expect(app.invocations[0]?.timer).toEqual({
      Schedule: { AdjustForDST: true },
      ScheduleStatus: null,
      IsPastDue: false,
    });
    await expect(fs.access(path.join(appDir, '.devhost', 'timers', 'tick.json'))).rejects.toThrow();
  });

  it('keeps no status for a schedule that fires more than once a minute, as Azure', async () => {
    const { app } = await startHost([timerFunction('fast', { schedule: '*/20 * * * * *' })]);
    await clock.advance(MINUTE);
    expect(app.invocations).toHaveLength(3);
    expect(app.invocations[0]?.timer.ScheduleStatus).toBeNull();
  });

  it('runs a TimeSpan schedule at a constant interval from start', async () => {
    const { app } = await startHost([timerFunction('every', { schedule: '00:20:00' })]);
    await clock.advance(HOUR);
    expect(app.invocations.map((i) => iso(i.at))).toEqual([
      '2030-01-01T10:20:00.000Z',
      '2030-01-01T10:40:00.000Z',
      '2030-01-01T11:00:00.000Z',
    ]);
    expect(app.invocations[0]?.timer.Schedule).toEqual({ AdjustForDST: false });
  });

  it('warns about a schedule that never occurs and does not run it', async () => {
    const { app, logger } = await startHost([timerFunction('never', { schedule: '0 0 0 30 2 *' })]);
    await clock.advance(HOUR);
    expect(app.invocations).toHaveLength(0);
    expect(logger.lines.some((l) => l.level === 'warn' && /never occurs/.test(l.message))).toBe(true);
  });

  it('reads the schedule in WEBSITE_TIME_ZONE and writes local times with the offset', async () => {
    const { app } = await startHost([timerFunction('nine', { schedule: '0 0 11 * * *' })], {
      WEBSITE_TIME_ZONE: 'Europe/Berlin',
    });
    await clock.advance(HOUR);
    // 11:00 in Berlin is 10:00 UTC on 2 January.
    expect(app.invocations).toHaveLength(0);
    await clock.advance(24 * HOUR);
    expect(app.invocations.map((i) => [iso(i.at), i.timer.ScheduleStatus?.Next])).toEqual([
      ['2030-01-02T10:00:00.000Z', '2030-01-02T11:00:00+01:00'],
    ]);
  });

  it('restarts its listeners from the stored status after the app reloads', async () => {
    const functions = [timerFunction('tick', { schedule: '0 */5 * * * *' })];
    const app = new RecordingApp(appDir, clock, functions);
    const logger = captureLogger();
    let reloaded: (() => void | Promise<void>) | undefined;
    const server = new TimerTriggerServer();
    servers.push(server);
    await server.start({
      app,
      clock,
      logger,
      env: {},
      onAppReloaded: (listener) => {
        reloaded = listener;
        return { dispose: () => (reloaded = undefined) };
      },
    });
    await clock.advance(5 * MINUTE);
    functions.splice(0, 1, timerFunction('tick', { schedule: '0 */10 * * * *' }));
    await reloaded?.();
    await clock.advance(20 * MINUTE);
    expect(app.invocations.map((i) => iso(i.at))).toEqual([
      '2030-01-01T10:05:00.000Z',
      '2030-01-01T10:10:00.000Z',
      '2030-01-01T10:20:00.000Z',
    ]);
  });

  it('reports a schedule broken by a reload instead of crashing, and runs nothing', async () => {
    const functions = [timerFunction('tick', { schedule: '0 */5 * * * *' })];
    const app = new RecordingApp(appDir, clock, functions);
    const logger = captureLogger();
    let reloaded: (() => void | Promise<void>) | undefined;
    const server = new TimerTriggerServer();
    servers.push(server);
    await server.start({
      app,
      clock,
      logger,
      env: {},
      onAppReloaded: (listener) => {
        reloaded = listener;
        return { dispose: () => (reloaded = undefined) };
      },
    });
    functions.splice(0, 1, timerFunction('tick', { schedule: 'every five minutes' }));
    await reloaded?.();
    await clock.advance(HOUR);
    expect(app.invocations).toHaveLength(0);
    expect(logger.lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      expect.stringMatching(
        /Timer triggers are stopped until the app is fixed: .*Timer function 'tick'/s,
      ) as unknown,
    ]);
  });

  it('runs only the past-due run at start when runOnStartup is also set, as Azure', async () => {
    const fn = timerFunction('tick', { schedule: '0 */5 * * * *', runOnStartup: true });
    const first = await startHost([fn]);
    await clock.advance(5 * MINUTE);
    await stopHost(first.server);
    await clock.advance(HOUR);
    const second = await startHost([fn]);
    await clock.advance(0);
    expect(second.app.invocations.map((i) => i.timer.IsPastDue)).toEqual([true]);
  });

  it('abandons a pending retry when it stops, and does not run again', async () => {
    const { app, server } = await startHost([
      timerFunction(
        'tick',
        { schedule: '0 */5 * * * *' },
        { retryStrategy: 'fixedDelay', maxRetryCount: 5, delayInterval: { seconds: 60 } },
      ),
    ]);
    app.behaviour = () => new Error('down');
    await clock.advance(5 * MINUTE);
    expect(app.invocations).toHaveLength(1);
    await stopHost(server);
    await clock.advance(HOUR);
    expect(app.invocations).toHaveLength(1);
    expect(clock.nextScheduledAt()).toBeUndefined();
  });

  it('leaves no timer armed when a listener cannot start', async () => {
    const app = new RecordingApp(appDir, clock, [
      timerFunction('first', { schedule: '0 */5 * * * *' }),
      timerFunction('second', { schedule: '0 */5 * * * *' }),
    ]);
    const server = new TimerTriggerServer({
      statusStore: {
        read: (name) =>
          name === 'second' ? Promise.reject(new Error('disk gone')) : Promise.resolve(undefined),
        write: () => Promise.resolve(),
      },
    });
    await expect(server.start({ app, clock, logger: captureLogger(), env: {} })).rejects.toThrow('disk gone');
    await clock.advance(HOUR);
    expect(app.invocations).toHaveLength(0);
  });
});
