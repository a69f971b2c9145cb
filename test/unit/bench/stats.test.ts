import { censoredPercentile, percentile } from '../../../bench/stats';

describe('censoredPercentile', () => {
  it('is the plain percentile when everything finished', () => {
    const done = [10, 20, 30, 40];
    expect(censoredPercentile(done, [], 50)).toEqual({ value: percentile(done, 50), lowerBound: false });
  });

  it('counts unfinished work as at least as slow as it got, and says when that makes a lower bound', () => {
    // Ten quick ones done, forty still running at 3,000 ms: leaving them out read 19 ms.
    const done = Array.from({ length: 10 }, (_, i) => 10 + i);
    const unfinished = Array.from({ length: 40 }, () => 3_000);
    expect(percentile(done, 50)).toBe(14);
    expect(censoredPercentile(done, unfinished, 50)).toEqual({ value: 3_000, lowerBound: true });
    expect(censoredPercentile(done, unfinished, 99)).toEqual({ value: 3_000, lowerBound: true });
  });

  it('stays exact when every unfinished one is already past the percentile', () => {
    const done = Array.from({ length: 99 }, (_, i) => i + 1);
    expect(censoredPercentile(done, [500], 50)).toEqual({ value: 50, lowerBound: false });
    // One unfinished below the median: it may end up above it, so the median is only a bound.
    expect(censoredPercentile(done, [20], 50)).toEqual({ value: 49, lowerBound: true });
  });
});
