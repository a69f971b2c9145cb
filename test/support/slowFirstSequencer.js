// Jest's order, except for files it has no timings of (a fresh clone, as in CI): those of the `slow`
// project start first, then `integration`, then `unit`. Jest alone would order them by file size,
// and with two workers a short file that runs for half a minute (the crash tests) would start last
// and run alone at the end.
'use strict';
const Sequencer = require('@jest/test-sequencer').default;

const rank = { slow: 0, integration: 1, unit: 2 };

class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const order = new Map(super.sort(tests).map((test, index) => [test, index]));
    const key = (test) => {
      if (this.hasFailed(test)) return -1;
      if (test.duration != null) return Object.keys(rank).length;
      return rank[test.context.config.displayName?.name] ?? 2;
    };
    return [...order.keys()].sort((a, b) => key(a) - key(b) || order.get(a) - order.get(b));
  }
}

module.exports = SlowFirstSequencer;
