import { retryPolicyFrom, RetryOptionsError } from '../../../../devhost/src/timers/retryPolicy';

describe('retry options', () => {
  it('has no policy when the function declares none', () => {
    expect(retryPolicyFrom(undefined)).toBeUndefined();
  });

  it('reads a fixed delay as the library writes it', () => {
    const policy = retryPolicyFrom({
      strategy: 'fixedDelay',
      maxRetryCount: 3,
      delayInterval: { seconds: 10 },
      retryStrategy: 'fixedDelay',
    });
    const delays = policy?.delays();
    expect(policy?.maxRetryCount).toBe(3);
    expect([delays?.next(), delays?.next()]).toEqual([10_000, 10_000]);
  });

  it('backs off exponentially from the minimum, with jitter, up to the maximum', () => {
    const policy = retryPolicyFrom(
      {
        retryStrategy: 'exponentialBackoff',
        maxRetryCount: -1,
        minimumInterval: { seconds: 1 },
        maximumInterval: { seconds: 10 },
      },
      () => 0.5, // no jitter: the factor is exactly 1
    );
    const delays = policy?.delays();
    expect(Array.from({ length: 6 }, () => delays?.next())).toEqual([1000, 2000, 3000, 5000, 9000, 10_000]);
  });

  it.each([
    [{ strategy: 'fixedDelay', delayInterval: { seconds: 1 } }, /maxRetryCount must be a whole number/],
    [{ strategy: 'fixedDelay', maxRetryCount: 1 }, /retry.delayInterval must be a non-negative duration/],
    [{ strategy: 'linear', maxRetryCount: 1 }, /strategy must be 'fixedDelay' or 'exponentialBackoff'/],
    [
      {
        strategy: 'exponentialBackoff',
        maxRetryCount: 1,
        minimumInterval: { seconds: 5 },
        maximumInterval: { seconds: 1 },
      },
      /minimumInterval must not be greater/,
    ],
  ])('refuses %p with a message naming the option', (options, message) => {
    expect(() => retryPolicyFrom(options)).toThrow(RetryOptionsError);
    expect(() => retryPolicyFrom(options)).toThrow(message);
  });
});
