import { parseDuration } from '../../../../../devhost/src/clock/duration';
import { RealClock } from '../../../../../devhost/src/clock/realClock';
import { DEFAULT_VIRTUAL_START, VirtualClock } from '../../../../../devhost/src/clock/virtualClock';

describe('parseDuration', () => {
  it.each([
    [250, 250],
    ['250ms', 250],
    ['5m', 300_000],
    ['24h', 86_400_000],
    ['10d', 864_000_000],
    ['1.5s', 1500],
    ['00:05:00', 300_000],
    ['6.00:00:00', 518_400_000],
    ['1:00:00:00', 86_400_000],
  ])('reads %p as %p milliseconds', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it('names the accepted forms when it cannot read a duration', () => {
    expect(() => parseDuration('ten days')).toThrow(/'24h', '10d'/);
    expect(() => parseDuration(-1)).toThrow(RangeError);
    // TimeSpan.Parse would read a bare '2' as days; a duration asks for a unit instead.
    expect(() => parseDuration('2')).toThrow(/'24h', '10d'/);
    expect(() => parseDuration('-00:01:00')).toThrow(RangeError);
  });
});

describe('VirtualClock', () => {
  it('starts at a fixed instant unless given one', () => {
    expect(new VirtualClock().now()).toBe(DEFAULT_VIRTUAL_START);
    expect(new VirtualClock('2024-05-01T10:00:00Z').now()).toBe(Date.parse('2024-05-01T10:00:00Z'));
  });

  it('fires everything due in time order, with now set to each callback time', async () => {
    const clock = new VirtualClock(0);
    const fired: [string, number][] = [];
    clock.schedule(3000, () => fired.push(['c', clock.now()]));
    clock.schedule(1000, () => fired.push(['a', clock.now()]));
    clock.schedule(2000, () => fired.push(['b', clock.now()]));
    clock.schedule(10_000, () => fired.push(['late', clock.now()]));
    await clock.advance('5s');
    expect(fired).toEqual([
      ['a', 1000],
      ['b', 2000],
      ['c', 3000],
    ]);
    expect(clock.now()).toBe(5000);
  });

  it('fires callbacks scheduled by earlier callbacks within the same advance', async () => {
    const clock = new VirtualClock(0);
    const fired: number[] = [];
    clock.schedule(1000, () => {
      fired.push(clock.now());
      clock.schedule(clock.now() + 1000, () => fired.push(clock.now()));
    });
    await clock.advance('10d');
    expect(fired).toEqual([1000, 2000]);
    expect(clock.now()).toBe(864_000_000);
  });

  it('does not fire a cancelled callback', async () => {
    const clock = new VirtualClock(0);
    const cancel = clock.schedule(100, () => {
      throw new Error('cancelled callback fired');
    });
    cancel();
    await clock.advance(200);
    expect(clock.hasDue()).toBe(false);
  });

  it('awaits settle hooks between callbacks so chained work sees each instant', async () => {
    const clock = new VirtualClock(0);
    const seen: number[] = [];
    clock.onSettle(async () => {
      await Promise.resolve();
      seen.push(clock.now());
    });
    clock.schedule(1000, () => undefined);
    await clock.advance(2000);
    expect(seen).toContain(1000);
    expect(seen[seen.length - 1]).toBe(2000);
  });

  it('runs the settle hooks again while one found work, before time moves on', async () => {
    const clock = new VirtualClock(0);
    // An "engine" registered first, and a "timer" whose run leaves work for the engine.
    let engineWork = 0;
    const engineRanAt: number[] = [];
    clock.onSettle(() => {
      if (engineWork === 0) return Promise.resolve(false);
      engineWork = 0;
      engineRanAt.push(clock.now());
      return Promise.resolve(true);
    });
    let timerRunning = false;
    clock.onSettle(async () => {
      if (!timerRunning) return false;
      await Promise.resolve();
      timerRunning = false;
      engineWork += 1;
      return true;
    });
    clock.schedule(1000, () => (timerRunning = true));
    clock.schedule(2000, () => undefined);
    await clock.advance(3000);
    expect(engineRanAt).toEqual([1000]);
  });

  it('moves time without waiting on the settle hooks when told not to settle', async () => {
    const clock = new VirtualClock(0);
    let hookRuns = 0;
    clock.onSettle(() => {
      hookRuns += 1;
      return Promise.resolve(false);
    });
    const fired: number[] = [];
    clock.schedule(1000, () => fired.push(clock.now()));
    await clock.advance('1h', { settle: false });
    expect(fired).toEqual([1000]);
    expect(clock.now()).toBe(3_600_000);
    expect(hookRuns).toBe(0);
  });

  it('fires a callback already due on a later tick without moving time', async () => {
    const clock = new VirtualClock(0);
    let fired = false;
    clock.schedule(0, () => (fired = true));
    expect(fired).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(fired).toBe(true);
    expect(clock.now()).toBe(0);
  });
});

describe('RealClock', () => {
  it('reads wall-clock time and fires a due callback on a later tick', async () => {
    const clock = new RealClock();
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(50);
    const fired = await new Promise<boolean>((resolve) =>
      clock.schedule(clock.now() - 1, () => resolve(true)),
    );
    expect(fired).toBe(true);
  });

  it('does not fire a cancelled callback', async () => {
    const clock = new RealClock();
    let fired = false;
    clock.schedule(clock.now() + 5, () => (fired = true))();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fired).toBe(false);
  });
});
