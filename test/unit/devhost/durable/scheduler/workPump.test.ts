import { WorkPump } from '../../../../../devhost/src/durable/scheduler/workPump';

describe('WorkPump', () => {
  it('runs at most its capacity at once and reports idle when the queue is empty', async () => {
    const queue = Array.from({ length: 10 }, (_, i) => i);
    const done: number[] = [];
    let running = 0;
    let peak = 0;
    const pump = new WorkPump<number>({
      name: 'test',
      capacity: 3,
      receive: () => Promise.resolve(queue.shift()),
      handle: async (n) => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setImmediate(resolve));
        running -= 1;
        done.push(n);
      },
      onError: (error) => {
        throw error;
      },
    });
    pump.kick();
    await pump.whenIdle();
    expect(done.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(3);
    expect(pump.peakConcurrency).toBe(3);
  });

  it('reports handler failures and keeps going', async () => {
    const queue = [1, 2];
    const errors: unknown[] = [];
    const pump = new WorkPump<number>({
      name: 'test',
      capacity: 1,
      receive: () => Promise.resolve(queue.shift()),
      handle: (n) => (n === 1 ? Promise.reject(new Error('boom')) : Promise.resolve()),
      onError: (error) => errors.push(error),
    });
    pump.kick();
    await pump.whenIdle();
    expect(queue).toEqual([]);
    expect(errors).toHaveLength(1);
  });

  it('refuses a capacity that is not a positive whole number, naming the setting', () => {
    expect(
      () =>
        new WorkPump({
          name: 'maxConcurrentActivityFunctions',
          capacity: 0,
          receive: () => Promise.resolve(undefined),
          handle: () => Promise.resolve(),
          onError: () => undefined,
        }),
    ).toThrow(/maxConcurrentActivityFunctions/);
  });
});
