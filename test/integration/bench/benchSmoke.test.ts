import { runJob, type Job } from '../../../bench/job';
import { SCENARIOS, type Scenario } from '../../../bench/scenarios';
import { stopTestEmulators, testCosmos } from '../../../devhost/src/emulators/testing';

/** Figures a smoke run reports everywhere (storage calls exist on the azure store only). */
const expected = (scenario: Scenario) => [
  ...new Set([...scenario.figures.map((f) => f.key).filter((key) => key !== 'calls'), 'rss']),
];

describe('npm run bench (smoke sizes, never the benchmark itself)', () => {
  afterAll(stopTestEmulators);

  it('runs every scenario on the memory store and reports each of its figures as a number', async () => {
    const cosmos = await testCosmos();
    for (const scenario of SCENARIOS) {
      const job: Job = {
        scenario: scenario.name,
        target: 'memory',
        quick: true,
        capMs: 30_000,
        setupMs: 30_000,
        round: 0,
        ...(scenario.app === 'orders'
          ? {
              stack: { cosmos: { endpoint: cosmos.endpoint, key: cosmos.key } },
              database: `smoke-${scenario.name}-${process.pid}`,
            }
          : {}),
      };
      const result = await runJob(job);
      expect({ scenario: scenario.name, error: result.error }).toEqual({
        scenario: scenario.name,
        error: undefined,
      });
      expect(result.figures.map((f) => f.key).sort()).toEqual(expected(scenario).sort());
      for (const figure of result.figures) {
        expect({
          scenario: scenario.name,
          key: figure.key,
          finite: Number.isFinite(figure.value),
          capped: figure.capped ?? false,
        }).toEqual({
          scenario: scenario.name,
          key: figure.key,
          finite: true,
          capped: false,
        });
      }
    }
    // Every scenario, one of them in a browser: minutes on a busy machine.
  }, 120_000);
});
