import { startFuzzHost, type FuzzHost, type Mark } from '../../../scripts/fuzz/fuzzHost';
import { nestedText } from '../../../scripts/fuzz/hostile';
import { closeRawAgent, sendRaw, type RawAnswer } from '../../../scripts/fuzz/rawHttp';
import { PAYLOAD_MAX_FIELDS, REQUEST_BODY_MAX_BYTES, TEXT_MAX_LENGTH } from '../../../src/domain';

/**
 * The hostile inputs the fuzzer found answered badly (or that were reported from outside), one
 * test each: every one gets a 4xx with its error body within a second, and nothing is started or
 * written (the fuzz host counts Cosmos writes and lists new instances).
 */
describe('hostile input found by fuzzing', () => {
  let host: FuzzHost;

  beforeAll(async () => {
    host = await startFuzzHost({ statePrefix: 'hostile-input-' });
  }, 60_000);

  afterAll(async () => {
    closeRawAgent();
    await host?.stop();
  });

  async function send(
    method: string,
    path: string,
    options: { body?: Buffer | string; contentType?: string | null } = {},
  ): Promise<{ answer: RawAnswer; json: Record<string, unknown> | string | undefined; before: Mark }> {
    const before = await host.mark();
    const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
    const answer = await sendRaw(host.origin, {
      method,
      path,
      headers: {
        'x-functions-key': host.env.masterKey,
        ...(contentType ? { 'content-type': contentType } : {}),
      },
      ...(options.body !== undefined
        ? { body: typeof options.body === 'string' ? Buffer.from(options.body) : options.body }
        : {}),
    });
    let json: Record<string, unknown> | string | undefined;
    try {
      json = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown> | string;
    } catch {
      json = undefined;
    }
    return { answer, json, before };
  }

  async function expectRefusedQuietly(
    sent: Awaited<ReturnType<typeof send>>,
    status: number,
    shape: Record<string, unknown>,
  ): Promise<void> {
    expect({ status: sent.answer.status, body: sent.json }).toMatchObject({ status, body: shape });
    expect(sent.answer.ms).toBeLessThan(1_000);
    expect(await host.changesSince(sent.before)).toEqual([]);
  }

  it.each([
    ['/', '%2F'],
    ['\\', '%5C'],
    ['#', '%23'],
    ['approval-/', 'approval-%2F'],
  ])('answers SubmitApproval for an id decoding to %j with 400 naming instanceId', async (_id, raw) => {
    const sent = await send('POST', `/api/approvals/${raw}/response`, { body: '{"decision":"Approved"}' });
    await expectRefusedQuietly(sent, 400, {
      error: { code: 'ValidationFailed', issues: [{ path: 'instanceId' }] },
    });
  });

  it('answers SubmitApproval with an empty id with 404 naming instanceId: no function serves that path, as on Azure', async () => {
    const sent = await send('POST', '/api/approvals//response', { body: '{"decision":"Approved"}' });
    expect(sent.answer.headers['x-devhost-error']).toBe('ROUTE_PARAMETER_EMPTY');
    await expectRefusedQuietly(sent, 404, {
      error: {
        code: 'ROUTE_PARAMETER_EMPTY',
        field: 'instanceId',
        message: expect.stringContaining('SubmitApproval') as unknown,
      },
    });
  });

  it('answers GET /api/status/%00 with 400 at once', async () => {
    const sent = await send('GET', '/api/status/%00', { contentType: null });
    await expectRefusedQuietly(sent, 400, {
      error: { code: 'ValidationFailed', issues: [{ path: 'instanceId' }] },
    });
  });

  it.each([10_000, 100_000])(
    'refuses a webhook start nested %i levels as Json.NET does, past 64, and starts nothing',
    async (levels) => {
      const sent = await send('POST', '/runtime/webhooks/durabletask/orchestrators/processOrder', {
        body: nestedText(levels, 'array'),
      });
      await expectRefusedQuietly(sent, 400, {
        Message: 'Invalid JSON content',
        ExceptionMessage: expect.stringContaining("The reader's MaxDepth of 64 has been exceeded") as unknown,
      });
    },
  );

  it('refuses a deeply nested event for a running instance and delivers nothing', async () => {
    const instanceId = host.env.known.eventTargetInstanceId;
    const operations = host.app.durable.engine!.operations;
    const historyBefore = (await operations.getHistory(instanceId))?.length;
    const sent = await send('POST', `/runtime/webhooks/durabletask/instances/${instanceId}/raiseEvent/Deep`, {
      body: nestedText(10_000, 'object'),
    });
    await expectRefusedQuietly(sent, 400, { Message: 'Invalid JSON content' });
    await host.settle();
    expect((await operations.getHistory(instanceId))?.length).toBe(historyBefore);
  });

  it('refuses a deeply nested entity operation input and creates no entity', async () => {
    const sent = await send(
      'POST',
      '/runtime/webhooks/durabletask/entities/customerStats/deep-one?op=orderStarted',
      {
        body: nestedText(10_000, 'array'),
      },
    );
    await expectRefusedQuietly(sent, 400, {
      Message: expect.stringContaining("The reader's MaxDepth of 64 has been exceeded") as unknown,
    });
    const entity = await send('GET', '/runtime/webhooks/durabletask/entities/customerStats/deep-one', {
      contentType: null,
    });
    expect(entity.answer.status).toBe(404);
  });

  it.each(['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml'])(
    'answers a starter body declared as %s with 415 naming the content type',
    async (contentType) => {
      const sent = await send('POST', '/api/operations', { body: '{"operationId":"form-1"}', contentType });
      await expectRefusedQuietly(sent, 415, {
        error: { code: 'UnsupportedMediaType', issues: [{ path: 'content-type' }] },
      });
    },
  );

  it('still reads JSON sent without a content type, or as text/plain', async () => {
    for (const [contentType, id] of [
      [null, 'no-type-1'],
      ['text/plain;charset=UTF-8', 'text-plain-1'],
    ] as const) {
      const sent = await send('POST', '/api/operations', { body: `{"operationId":"${id}"}`, contentType });
      expect(sent.answer.status).toBe(202);
      await host.settle();
    }
  });

  it('answers a body that is not UTF-8 with 400 InvalidJson instead of reading replacement characters', async () => {
    const body = Buffer.concat([
      Buffer.from('{"operationId":"utf-'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    const sent = await send('POST', '/api/operations', { body });
    await expectRefusedQuietly(sent, 400, {
      error: { code: 'InvalidJson', message: 'The body is not valid UTF-8' },
    });
  });

  it('answers a body over the app limit with 413 before reading it', async () => {
    const body = JSON.stringify({ operationId: 'big-1', payload: { a: 'x'.repeat(REQUEST_BODY_MAX_BYTES) } });
    const sent = await send('POST', '/api/operations', { body });
    expect(sent.answer.status).toBe(413);
    expect(sent.json).toMatchObject({ error: { code: 'PayloadTooLarge' } });
    expect(await host.changesSince(sent.before)).toEqual([]);
  });

  it('refuses an operation payload with too many fields or too long a text', async () => {
    const fields = Object.fromEntries(Array.from({ length: PAYLOAD_MAX_FIELDS + 1 }, (_, i) => [`f${i}`, i]));
    for (const payload of [fields, { note: 'x'.repeat(TEXT_MAX_LENGTH + 1) }]) {
      const sent = await send('POST', '/api/operations', {
        body: JSON.stringify({ operationId: 'payload-1', payload }),
      });
      await expectRefusedQuietly(sent, 400, { error: { code: 'ValidationFailed' } });
    }
  });

  it('answers an admin run of a function whose name does not percent-decode with 400, not 500', async () => {
    const sent = await send('POST', '/admin/functions/%E0%A4%A', { body: '{}' });
    await expectRefusedQuietly(sent, 400, { error: { code: 'BAD_REQUEST', field: 'name' } });
  });

  it.each(['__proto__', 'constructor', 'toString'])(
    'answers the dashboard file %s with 404, not the prototype of a lookup table',
    async (name) => {
      const sent = await send('GET', `/_devhost/${name}`, { contentType: null });
      await expectRefusedQuietly(sent, 404, { error: { code: 'DASHBOARD_ROUTE_NOT_FOUND' } });
    },
  );
});
