import { renderFuzzFigures, replaceBetweenMarkers, type FuzzRun } from '../../../../scripts/fuzz/report';

const run: FuzzRun = {
  date: '2026-12-07T01:00:00.000Z',
  seed: 42,
  runs: 10,
  seconds: 600,
  loadBefore: [7.5, 8, 9],
  loadAfter: [8, 8.5, 9],
  cpus: 2,
  node: 'v20.20.2',
  shards: 2,
  figures: [
    {
      endpoint: 'app:StartOrder',
      route: 'POST /api/orders',
      cases: 10,
      hostile: 9,
      statuses: { '202': 1, '400': 9 },
      maxMs: 12.4,
      slowestKind: 'deep:array:100000',
      slowOnce: [],
    },
    {
      endpoint: 'webhook:signalEntity',
      route: 'POST|DELETE /runtime/webhooks/durabletask/entities/{entityName}/{entityKey}?op=',
      cases: 10,
      hostile: 5,
      statuses: { '202': 5, '400': 5 },
      maxMs: 1_300,
      slowestKind: 'json',
      slowOnce: ['json: 1300 ms, then 20 ms'],
    },
  ],
  deepLoad: {
    bodyBytes: 20_000,
    rounds: 20,
    unrelatedAloneMs: 3,
    unrelatedMaxMs: 40,
    deepMaxMs: 90,
    deepStatuses: [400],
  },
};

describe('the fuzz figures in docs/reliability.md', () => {
  it('creates the document with its fuzz and soak markers when there is none', () => {
    const doc = replaceBetweenMarkers(undefined, 'fuzz', 'figures here');
    expect(doc).toMatch(/^# Reliability\n/);
    expect(doc).toContain('## Fuzzing');
    expect(doc).toContain('<!-- fuzz:begin -->\nfigures here\n<!-- fuzz:end -->');
    expect(doc).toMatch(/## Soak\n\n<!-- soak:begin -->\n<!-- soak:end -->/);
  });

  it('replaces only what is between the markers', () => {
    const doc =
      'intro\n<!-- fuzz:begin -->\nold\n<!-- fuzz:end -->\n<!-- soak:begin -->\nsoak figures\n<!-- soak:end -->\n';
    expect(replaceBetweenMarkers(doc, 'fuzz', 'new')).toBe(
      'intro\n<!-- fuzz:begin -->\nnew\n<!-- fuzz:end -->\n<!-- soak:begin -->\nsoak figures\n<!-- soak:end -->\n',
    );
    expect(() => replaceBetweenMarkers('no markers', 'fuzz', 'x')).toThrow(/fuzz:begin/);
  });

  it('renders cases, statuses, latency, the load and the nested-body timing', () => {
    const text = renderFuzzFigures(run);
    expect(text).toContain('`npm run fuzz -- --runs 10 --seed 42`, 20 requests to 2 endpoints in 10 min');
    expect(text).toContain('load average 1/5/15 min 7.5 / 8.0 / 9.0 before, 8.0 / 8.5 / 9.0 after');
    expect(text).toContain('| app:StartOrder | `POST /api/orders` | 10 | 9 | 202: 1, 400: 9 | 12 ms | 0 |');
    expect(text).toContain(
      '`POST\\|DELETE /runtime/webhooks/durabletask/entities/{entityName}/{entityKey}?op=`',
    );
    expect(text).toContain('an unrelated `GET /api/openapi.json` took at most 40 ms (3 ms alone)');
    expect(text).toContain('1 were fast the second time');
    expect(text).toContain('No 5xx, no hostile input answered slower than a second twice');
  });
});
