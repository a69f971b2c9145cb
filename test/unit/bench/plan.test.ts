import { parseBenchArgs } from '../../../bench/cli';
import { planJobs } from '../../../bench/run';

describe('npm run bench arguments and plan', () => {
  it('runs every scenario on every target three times by default, and writes the document', () => {
    const options = parseBenchArgs([]);
    expect(options).toMatchObject({ quick: false, rounds: 3, write: true, capScale: 1 });
    expect(options.targets).toEqual(['memory', 'azure-disk', 'azure-memory', 'restate']);
  });

  it('runs one scenario, or quick sizes, without touching the document unless asked', () => {
    expect(parseBenchArgs(['hello'])).toMatchObject({ scenarios: ['hello'], rounds: 3, write: false });
    expect(parseBenchArgs(['--quick'])).toMatchObject({ quick: true, rounds: 1, write: false });
    expect(parseBenchArgs(['--quick', '--write'])).toMatchObject({ write: true });
    expect(parseBenchArgs(['--save', 'r.json'])).toMatchObject({ save: 'r.json', write: true });
    expect(parseBenchArgs(['--render', 'r.json'])).toMatchObject({ render: 'r.json' });
    expect(() => parseBenchArgs(['nope'])).toThrow(/Unknown scenario "nope"/);
    expect(() => parseBenchArgs(['--targets', 'memory,cloud'])).toThrow(/Unknown target cloud/);
  });

  it('rotates the order of the targets from round to round and runs one-round scenarios once', () => {
    const jobs = planJobs(parseBenchArgs(['hello', 'batch10k']));
    const order = (round: number) =>
      jobs.filter((j) => j.scenario === 'hello' && j.round === round).map((j) => j.target);
    expect(order(0)).toEqual(['memory', 'azure-disk', 'azure-memory', 'restate']);
    expect(order(1)).toEqual(['azure-disk', 'azure-memory', 'restate', 'memory']);
    expect(jobs.filter((j) => j.scenario === 'batch10k').map((j) => [j.round, j.target])).toEqual([
      [0, 'memory'],
      [0, 'azure-disk'],
    ]);
    // The azure store gets its shorter window; every run on it has a task hub of its own.
    const hello = jobs.filter((j) => j.scenario === 'hello' && j.round === 0);
    expect(hello.map((j) => j.capMs)).toEqual([6_000, 4_000, 4_000, 6_000]);
    expect(new Set(jobs.flatMap((j) => (j.hubName ? [j.hubName] : []))).size).toBe(
      jobs.filter((j) => j.target.startsWith('azure')).length,
    );
  });
});
