import { JSON_MAX_DEPTH } from '../../../src/domain';
import { type AppDevhost, startAppDevhost } from '../../support/appDevhost';

/** `{"probe": [[[ ... ]]]}`: `levels` nested arrays under one field, about 2 bytes a level. */
function nestedBody(levels: number): string {
  return `{"probe":${'['.repeat(levels)}${']'.repeat(levels)}}`;
}

const STARTERS: { name: string; route: string }[] = [
  { name: 'StartOrder', route: '/api/orders' },
  { name: 'StartBatch', route: '/api/batches' },
  { name: 'StartApproval', route: '/api/approvals' },
  { name: 'StartOperation', route: '/api/operations' },
  { name: 'SubmitApproval', route: '/api/approvals/approval-deep-1/response' },
];

interface ErrorAnswer {
  error?: { code?: string; message?: string; issues?: { path: string; message: string }[] };
}

/** Hostile nesting over HTTP against the compiled app in devhost, Cosmos in-process. */
describe('deeply nested JSON bodies', () => {
  let app: AppDevhost;

  beforeAll(async () => {
    app = await startAppDevhost('app-deep-json-');
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('answers every starter a 400 TooDeep naming the path within a second, and starts nothing', async () => {
    const raw = nestedBody(10_000);
    for (const starter of STARTERS) {
      const began = performance.now();
      const answer = await app.http('POST', starter.route, { raw });
      const elapsed = performance.now() - began;
      expect({ starter: starter.name, status: answer.status }).toEqual({
        starter: starter.name,
        status: 400,
      });
      expect(elapsed).toBeLessThan(1_000);
      const error = (answer.body as ErrorAnswer).error;
      expect(error?.code).toBe('TooDeep');
      // The first container past the limit, reached through `probe` and then index 0 at each level.
      expect(error?.issues).toEqual([
        {
          path: ['probe', ...Array<number>(JSON_MAX_DEPTH - 1).fill(0)].join('.'),
          message: `Nested deeper than ${JSON_MAX_DEPTH} levels`,
        },
      ]);
    }
    const listed = await app.http('GET', '/runtime/webhooks/durabletask/instances');
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([]);
  });

  it('keeps an unrelated request fast while ten deep bodies arrive at once', async () => {
    const raw = nestedBody(10_000);
    const hostile = Array.from({ length: 10 }, (_, i) =>
      app.http('POST', STARTERS[i % STARTERS.length]!.route, { raw }),
    );
    const began = performance.now();
    const unrelated = await app.http('GET', '/api/status/order-deep-none');
    const elapsed = performance.now() - began;
    expect(unrelated.status).toBe(404);
    expect(elapsed).toBeLessThan(1_000);
    const answers = await Promise.all(hostile);
    expect(answers.map((a) => a.status)).toEqual(Array<number>(10).fill(400));
  });
});
