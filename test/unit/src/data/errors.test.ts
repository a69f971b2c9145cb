import { ErrorResponse, RestError, TimeoutError } from '@azure/cosmos';
import { cosmosUnavailable } from '../../../../src/data/errors';

function cosmosAnswer(code: number, retryAfterInMs?: number): ErrorResponse {
  const error = new ErrorResponse(`status ${code}`);
  error.code = code;
  if (retryAfterInMs !== undefined) error.retryAfterInMs = retryAfterInMs;
  return error;
}

describe('cosmosUnavailable', () => {
  it('takes a Cosmos server that cannot be reached, or hangs up, as unavailable for 5 s', () => {
    expect(
      cosmosUnavailable(new RestError('connect ECONNREFUSED 127.0.0.1:8081', { code: 'ECONNREFUSED' })),
    ).toEqual({ reason: 'not reachable (ECONNREFUSED)', retryAfterSeconds: 5 });
    expect(cosmosUnavailable(new RestError('socket hang up', { code: 'ECONNRESET' }))).toEqual({
      reason: 'not reachable (ECONNRESET)',
      retryAfterSeconds: 5,
    });
    expect(cosmosUnavailable(new TimeoutError('Timeout Error! Request took more than 60000 ms'))).toEqual({
      reason: 'timed out',
      retryAfterSeconds: 5,
    });
  });

  it("takes 429 after the SDK's retries, 503 and 408 as unavailable, with Cosmos DB's own hint when it gives one", () => {
    expect(cosmosUnavailable(cosmosAnswer(429, 2_500))).toEqual({
      reason: "still throttling (429) after the SDK's retries",
      retryAfterSeconds: 3,
    });
    expect(cosmosUnavailable(cosmosAnswer(503))).toEqual({
      reason: 'unavailable (503)',
      retryAfterSeconds: 1,
    });
    expect(cosmosUnavailable(cosmosAnswer(408))).toEqual({ reason: 'timed out (408)', retryAfterSeconds: 1 });
  });

  it('leaves every other failure alone: other statuses, and errors of other clients with the same codes', () => {
    expect(cosmosUnavailable(cosmosAnswer(404))).toBeUndefined();
    expect(cosmosUnavailable(cosmosAnswer(409))).toBeUndefined();
    expect(cosmosUnavailable(new RestError('bad request', { code: 'SOMETHING_ELSE' }))).toBeUndefined();
    const durableClientFailure = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:17071'), {
      code: 'ECONNREFUSED',
    });
    expect(cosmosUnavailable(durableClientFailure)).toBeUndefined();
    expect(cosmosUnavailable(null)).toBeUndefined();
  });
});
