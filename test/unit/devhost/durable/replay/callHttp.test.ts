import * as df from 'durable-functions';
import { locationPollRequest } from '../../../../../devhost/src/durable/replay/httpPolling';
import { taskCompleted, taskFailed, timerFired } from '../../../../support/durableEvents';
import { at, SdkOrchestration, testSettings, type OrchestratorFn } from '../../../../support/sdkOrchestrator';

const settings = testSettings({ activities: ['Work'] });

function caller(options: Partial<df.CallHttpOptions> = {}): OrchestratorFn {
  return function* (context) {
    try {
      const response = (yield context.df.callHttp({
        method: 'POST',
        url: 'https://example.test/jobs',
        body: { size: 3 },
        headers: { 'x-functions-key': 'secret', Accept: 'application/json' },
        ...options,
      })) as { statusCode: number; content?: string };
      return { status: response.statusCode, content: response.content };
    } catch (error) {
      return { error: (error as Error).message };
    }
  };
}

describe('callHttp', () => {
  it('sends the request as the built-in HTTP activity with its JSON body', async () => {
    const first = await new SdkOrchestration(caller(), { name: 'caller', settings }).start(null, at(0));
    expect(first.work).toEqual([
      {
        kind: 'httpActivity',
        taskScheduledId: 0,
        request: {
          method: 'POST',
          uri: 'https://example.test/jobs',
          content: '{"size":3}',
          headers: { 'x-functions-key': 'secret', Accept: 'application/json' },
          asynchronousPatternEnabled: true,
        },
      },
    ]);
    expect(first.appended).toContainEqual(
      expect.objectContaining({ EventType: 4, EventId: 0, Name: 'BuiltIn::HttpActivity' }),
    );
  });

  it('waits Retry-After seconds, then GETs the Location without the function key', async () => {
    const run = new SdkOrchestration(caller(), { name: 'caller', settings });
    await run.start(null, at(0));
    const accepted = await run.episode(
      [
        taskCompleted(0, {
          statusCode: 202,
          headers: { location: 'https://example.test/s/1', 'retry-after': '7' },
        }),
      ],
      at(1),
    );
    expect(accepted.work).toEqual([{ kind: 'timer', timerId: 1, fireAt: at(8) }]);
    const poll = await run.episode([timerFired(1, at(8))], at(8));
    expect(poll.work).toEqual([
      {
        kind: 'httpActivity',
        taskScheduledId: 2,
        request: {
          method: 'GET',
          uri: 'https://example.test/s/1',
          headers: { Accept: 'application/json' },
          asynchronousPatternEnabled: true,
        },
      },
    ]);
    const again = await run.episode(
      [taskCompleted(2, { statusCode: 202, headers: { Location: ['https://example.test/s/1'] } })],
      at(9),
    );
    expect(again.work).toEqual([{ kind: 'timer', timerId: 3, fireAt: at(39) }]);
    await run.episode([timerFired(3, at(39))], at(39));
    const end = await run.episode(
      [taskCompleted(4, { statusCode: 200, headers: {}, content: 'done' })],
      at(40),
    );
    expect(JSON.parse(end.output ?? 'null')).toEqual({ status: 200, content: 'done' });
  });

  it('returns the 202 itself when polling is disabled', async () => {
    const run = new SdkOrchestration(caller({ enablePolling: false }), { name: 'caller', settings });
    await run.start(null, at(0));
    const end = await run.episode(
      [taskCompleted(0, { statusCode: 202, headers: { Location: 'https://example.test/s/1' }, content: '' })],
      at(1),
    );
    expect(end.work).toEqual([]);
    expect(JSON.parse(end.output ?? 'null')).toEqual({ status: 202, content: '' });
  });

  it('surfaces a failed HTTP activity to the orchestrator', async () => {
    const run = new SdkOrchestration(caller(), { name: 'caller', settings });
    await run.start(null, at(0));
    const end = await run.episode([taskFailed(0, 'connection refused')], at(1));
    expect(JSON.parse(end.output ?? 'null')).toEqual({
      error: 'Activity function failed: connection refused \n {"Message":"connection refused"}',
    });
  });

  it('builds the poll request from the original, dropping only the function key (any case)', () => {
    expect(
      locationPollRequest(
        {
          method: 'PUT',
          uri: 'u',
          content: 'c',
          headers: { 'X-Functions-Key': 'k', a: 'b' },
          tokenSource: { r: 1 },
        },
        'loc',
      ),
    ).toEqual({
      method: 'GET',
      uri: 'loc',
      headers: { a: 'b' },
      tokenSource: { r: 1 },
      asynchronousPatternEnabled: true,
    });
  });
});

describe('retry validation', () => {
  it('fails a retry interval longer than the storage provider allows, naming the limit', async () => {
    const tooLong: OrchestratorFn = function* (context) {
      return yield context.df.callActivityWithRetry('Work', new df.RetryOptions(7 * 86_400_000, 2), null);
    };
    const end = await new SdkOrchestration(tooLong, { name: 'tooLong', settings }).start(null, at(0));
    expect(end.runtimeStatus).toBe('Failed');
    expect(end.output).toBe(
      "Orchestrator function 'tooLong' failed: The Azure Storage provider supports a maximum of 6 days for time-based delays",
    );
  });

  it('treats an explicit retry timeout of zero as already expired', async () => {
    const options = new df.RetryOptions(1000, 3);
    options.retryTimeoutInMilliseconds = 0;
    const run = new SdkOrchestration(
      function* (context) {
        return yield context.df.callActivityWithRetry('Work', options, null);
      },
      { name: 'noTime', settings },
    );
    await run.start(null, at(0));
    const failed = await run.episode([taskFailed(0, 'nope')], at(1));
    expect(failed.work).toEqual([]);
  });
});
