import type { JobResult } from '../../../bench/job';
import type { Machine } from '../../../bench/machine';
import { BEGIN, END, mergeIntoDoc, renderBlock, type BenchRun } from '../../../bench/report';
import type { Measured, Scenario, TargetName } from '../../../bench/scenarios';

const machine: Machine = {
  cpu: 'Test CPU',
  cores: 2,
  memoryGiB: 8,
  os: 'linux test',
  node: 'v20.0.0',
  load: [1, 2, 3],
  restate: { server: '1.0.0', sdk: '1.0.0' },
};

const scenario: Scenario = {
  name: 'hello50',
  title: 'Hello-cities from 50 clients',
  description: 'A test scenario.',
  app: 'bench',
  targets: ['memory', 'azure-disk', 'restate'],
  capSeconds: 10,
  figures: [
    {
      key: 'rate',
      label: 'orchestrations/s',
      unit: 'orch/s',
      better: 'higher',
      goals: [
        { kind: 'atLeast', value: 40, targets: ['memory', 'azure-disk'] },
        { kind: 'peerAtLeast', value: 1.5, targets: ['memory'] },
      ],
    },
    {
      key: 'seconds',
      label: 'time',
      unit: 's',
      better: 'lower',
      goals: [{ kind: 'atMost', value: 5, targets: ['memory'] }],
    },
    {
      key: 'step',
      label: 'largest step',
      unit: '%',
      better: 'lower',
      goals: [{ kind: 'atMost', value: 10, targets: ['azure-disk'] }],
      lowerBoundWhenCut: true,
    },
  ],
};

function result(target: TargetName, round: number, figures: Measured[]): JobResult {
  return {
    job: { scenario: 'hello50', target, quick: false, capMs: 10_000, setupMs: 0, round },
    figures,
    rss: { mainMb: 100, helpersMb: target === 'azure-disk' ? { Azurite: 50 } : {} },
    seconds: 1,
  };
}

function run(results: JobResult[]): BenchRun {
  return {
    command: 'npm run bench',
    startedAt: new Date('2030-01-01T00:00:00Z'),
    finishedAt: new Date('2030-01-01T00:15:00Z'),
    machine,
    loadAtEnd: [4, 5, 6],
    rounds: 3,
    quick: false,
    results,
  };
}

const row = (block: string, target: string, label: string) =>
  block.split('\n').find((line) => line.includes(`| ${label}`) && line.includes(`| ${target} |`)) ?? '';

describe('docs/benchmarks.md', () => {
  const results = [0, 1, 2].flatMap((round) => [
    result('memory', round, [
      { key: 'rate', value: [60, 30, 45][round] as number },
      { key: 'seconds', value: [4, 9, 6][round] as number, capped: round === 1 },
    ]),
    result('restate', round, [
      { key: 'rate', value: [20, 30, 40][round] as number },
      { key: 'seconds', value: [2, 3, 4][round] as number },
    ]),
    result('azure-disk', round, [
      { key: 'rate', value: 2, capped: true, note: '20 of 1,000 completed' },
      { key: 'step', value: round === 0 ? 20 : 0, capped: true },
      // A capped run whose figure is exact (it says so), and one whose is a bound though not capped.
      { key: 'seconds', value: 3 + round, capped: round === 0, lowerBound: round === 1 },
    ]),
  ]);
  const block = renderBlock(run(results), [scenario]);

  it('shows min, median and max of the rounds with the ratio to Restate of the same round', () => {
    // Rounds: 60/20 = 3, 30/30 = 1, 45/40 = 1.125.
    expect(row(block, 'memory store', 'orchestrations/s')).toMatch(
      /\| 30\.0 \| 45\.0 \| 60\.0 \| 3 \| 1\.13 \(1\.00–3\.00\) \| ≥ 40\.0 orch\/s; ≥ 1\.5 × Restate \| 2 of 3; 1 of 3 \|/,
    );
  });

  it('marks figures of runs that hit their cap, and never counts a time that was not reached as met', () => {
    expect(row(block, 'azure store, Azurite on disk', 'orchestrations/s')).toContain('2.00†');
    expect(row(block, 'azure store, Azurite on disk', 'orchestrations/s')).toContain('0 of 3');
    expect(row(block, 'azure store, Azurite on disk', 'orchestrations/s')).toContain('20 of 1,000 completed');
    // A step seen over part of a batch: above the goal it fails, below it tells nothing.
    expect(row(block, 'azure store, Azurite on disk', 'largest step')).toMatch(
      /\| ≥ 0\.00 \| ≥ 0\.00 \| ≥ 20\.0 \| 3 \| – \| ≤ 10\.0 % \| 0 of 1 \|/,
    );
    const time = row(block, 'memory store', 'time');
    expect(time).toContain('> 9.00');
    // Round 2's time is a lower bound, so only rounds 1 and 3 have a ratio: 4 / 2 and 6 / 4.
    expect(time).toContain('| 1.50 (1.50–2.00) |');
    expect(time).toContain('capped in 1 of 3');
    expect(time).toContain('| ≤ 5.00 s | 1 of 3 |');
  });

  it('takes what a run says of its own figure being a lower bound over what the spec assumes', () => {
    // Round 1 capped but exact, round 2 a bound, round 3 exact; the bound has no ratio to
    // Restate: 3 / 2 and 5 / 4.
    expect(row(block, 'azure store, Azurite on disk', 'time')).toMatch(
      /\| 3\.00† \| > 4\.00 \| 5\.00 \| 3 \| 1\.25 \(1\.25–1\.50\) \| – \| – \|/,
    );
  });

  it('lists the peak RSS of every process a run used', () => {
    expect(block).toContain('| hello50 | 100 (100) | 150 (100 + Azurite 50) |  | 100 (100) |');
  });

  it('replaces only the generated part and keeps the sections others write, wherever they are', () => {
    const others =
      '## Where the time goes (azure store)\n\nProfiles, by hand.\n\n## Dashboard\n\nAlso by hand.\n';
    const existing = `# Benchmarks\n\nIntro by hand.\n\n${BEGIN}\nold figures\n${END}\n\n${others}`;
    const merged = mergeIntoDoc(existing, `${BEGIN}\nnew figures\n${END}`);
    expect(merged).toBe(`# Benchmarks\n\nIntro by hand.\n\n${BEGIN}\nnew figures\n${END}\n\n${others}`);
  });

  it('moves an unmarked document to the markers, dropping what the old generator wrote', () => {
    const old =
      '# Benchmarks\n\nOld generated intro.\n\n| a |\n\n## Azure Storage task hub\n\nold table\n\n' +
      '## Where the time goes (azure store)\n\nKept.\n';
    expect(mergeIntoDoc(old, `${BEGIN}\nnew\n${END}`)).toBe(
      `# Benchmarks\n\n${BEGIN}\nnew\n${END}\n\n## Where the time goes (azure store)\n\nKept.\n`,
    );
  });
});
