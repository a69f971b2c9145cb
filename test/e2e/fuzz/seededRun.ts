import type { Endpoint } from '../../../scripts/fuzz/cases';
import { startFuzzHost, type FuzzHost } from '../../../scripts/fuzz/fuzzHost';
import { closeRawAgent } from '../../../scripts/fuzz/rawHttp';
import { fuzzEndpoint } from '../../../scripts/fuzz/runFuzz';

/** Cases per endpoint in `npm test`; `npm run fuzz` runs 10,000. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
/** Fixed, so `npm test` is reproducible; FUZZ_SEED tries another. */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_207);

/**
 * One seeded fuzz test per endpoint, all against one host (the compiled app, Cosmos in-process,
 * memory task hub) started for the file. A failure prints the seed and the shrunk input.
 */
export function describeSeededFuzz(title: string, endpoints: Endpoint[]): void {
  describe(title, () => {
    let host: FuzzHost;

    beforeAll(async () => {
      host = await startFuzzHost({ statePrefix: 'fuzz-test-' });
    }, 60_000);

    afterAll(async () => {
      closeRawAgent();
      await host?.stop();
    });

    it.each(endpoints.map((endpoint) => [endpoint.name, endpoint] as const))(
      `%s: ${RUNS} seeded cases get their answers and hostile ones change nothing`,
      async (_name, endpoint) => {
        const figures = await fuzzEndpoint(host, endpoint, { runs: RUNS, seed: SEED });
        if (figures.failure) throw new Error(figures.failure);
        expect(figures.cases).toBe(RUNS);
        expect(Object.keys(figures.statuses).filter((status) => Number(status) >= 500)).toEqual([]);
      },
      120_000,
    );
  });
}
