import fc from 'fast-check';
import { fuzzCase, type Endpoint, type FuzzEnv } from '../../../scripts/fuzz/cases';
import { hostileStrings } from '../../../scripts/fuzz/hostile';
import { closeRawAgent } from '../../../scripts/fuzz/rawHttp';
import { fuzzEndpoint, type FuzzTarget } from '../../../scripts/fuzz/runFuzz';
import { type FixtureDevhost, startFixtureDevhost } from '../../support/fixtureDevhost';

/** `POST /api/greet {"name": …}`: lower-case names are valid, anything else must be a 400. */
const greet: Endpoint = {
  name: 'fixture:greet',
  surface: 'app',
  route: 'POST /api/greet',
  cases: () =>
    fc
      .oneof(
        fc.stringMatching(/^[a-z]{1,8}$/),
        // Longer mixes first, so what fails is shrunk before it is reported.
        fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' ', '<'), minLength: 1, maxLength: 12 }),
        hostileStrings,
      )
      .map((name) => {
        const valid = /^[a-z]{1,20}$/.test(name);
        return fuzzCase({
          kind: valid ? 'valid' : 'name:hostile',
          hostile: !valid,
          ...(valid ? { expected: [200] } : {}),
          method: 'POST',
          path: '/api/greet',
          headers: { 'content-type': 'application/json' },
          body: Buffer.from(JSON.stringify({ name })),
        });
      }),
};

const env: FuzzEnv = {
  masterKey: '',
  known: {
    orderId: '',
    customerId: '',
    batchId: '',
    operationId: '',
    finishedInstanceIds: [],
    eventTargetInstanceId: '',
    approvals: [],
  },
  unique: (prefix) => prefix,
};

describe('the fuzzer against a handler with a planted bug', () => {
  let fixture: FixtureDevhost;
  let target: FuzzTarget;

  beforeAll(async () => {
    fixture = await startFixtureDevhost('broken-app');
    // No durable state and no Cosmos here: nothing to settle, nothing to compare.
    target = {
      origin: fixture.host.url,
      env,
      settle: () => Promise.resolve(),
      mark: () => Promise.resolve({ at: Date.now(), writes: 0, recent: new Set<string>() }),
      changesSince: () => Promise.resolve([]),
    };
  });

  afterAll(async () => {
    closeRawAgent();
    await fixture?.close();
  });

  it('finds the input that makes it throw and reports it shrunk, with the seed that reproduces it', async () => {
    const figures = await fuzzEndpoint(target, greet, { runs: 300, seed: 1234 });
    expect(figures.failure).toBeDefined();
    const report = figures.failure!;
    if (process.env.PRINT_REPORT) console.log(report);
    expect(report).toContain('fixture:greet');
    expect(report).toMatch(/Seed 1234, path "[\d:]+": npm run fuzz -- --endpoint fixture:greet --seed 1234/);
    expect(report).toContain('answered 500');
    expect(report).toMatch(/and [1-9]\d* shrink\(s\)/);
    // Shrunk: a name of a character or two around the '<' that breaks it.
    const shrunk =
      /Shrunk input: hostile name:hostile: POST \/api\/greet \[content-type: "application\/json"\] \d+ bytes "(.*)"\n/.exec(
        report,
      );
    const name = (JSON.parse(JSON.parse(`"${shrunk![1]!}"`) as string) as { name: string }).name;
    expect(name).toContain('<');
    expect(name.length).toBeLessThanOrEqual(2);
  });

  it('passes the same handler once the failing input is out of reach', async () => {
    const lettersOnly: Endpoint = {
      ...greet,
      cases: (e) => greet.cases(e).filter((c) => !c.body!.toString('utf8').includes('<')),
    };
    const figures = await fuzzEndpoint(target, lettersOnly, { runs: 100, seed: 1234 });
    expect(figures.failure).toBeUndefined();
    expect(figures.cases).toBe(100);
    expect(Object.keys(figures.statuses).sort()).toEqual(['200', '400']);
  });
});
