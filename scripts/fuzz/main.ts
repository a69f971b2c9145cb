/**
 * `npm run fuzz [-- --runs 10000] [-- --seed <n>] [-- --endpoint <name>]`: fuzzes every HTTP
 * endpoint of the app and of devhost against one host (the compiled app, keys enforced, memory
 * task hub, Cosmos in-process), measures an unrelated request while ten deeply nested bodies
 * arrive at once, prints the figures and, for a run of every endpoint, writes them into
 * docs/reliability.md between its fuzz markers. Exit code 1 when an endpoint failed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { appEndpoints } from './appEndpoints';
import { devhostEndpoints } from './devhostEndpoints';
import { startFuzzHost, type FuzzHost } from './fuzzHost';
import { nestedText } from './hostile';
import { closeRawAgent, sendRaw } from './rawHttp';
import { fuzzEndpoint, type EndpointFigures } from './runFuzz';
import {
  renderFuzzFigures,
  replaceBetweenMarkers,
  type DeepLoadFigures,
  type FuzzRun,
  type LargeBodyFigures,
} from './report';

const usage = `Usage: npm run fuzz [-- --runs <n>] [-- --seed <n>] [-- --endpoint <name>]
       npm run fuzz -- --shard <k>/<n> --save <file>     (one of n processes; then:)
       node dist/scripts/fuzz/main.js --merge <file>,<file>,...

  --runs <n>         cases per endpoint (default 10000)
  --seed <n>         fast-check seed (default: the current time; printed)
  --endpoint <name>  only endpoints whose name contains this (e.g. app:StartOrder, webhook:)
  --shard <k>/<n>    only every n-th endpoint, starting at the k-th (shard 1 also measures nested load)
  --save <file>      write the run's figures as JSON instead of into the docs
  --merge <files>    write the saved runs' figures into docs/reliability.md as one run; a .log file
                     is a run's printed output, read for the endpoints it finished
  --measure          time the nested and megabyte bodies even when --endpoint picks endpoints
A run of every endpoint writes its figures into docs/reliability.md.`;

export const ALL_ENDPOINTS = [...appEndpoints, ...devhostEndpoints];

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string' },
      seed: { type: 'string' },
      endpoint: { type: 'string' },
      shard: { type: 'string' },
      save: { type: 'string' },
      merge: { type: 'string' },
      measure: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (values.merge) {
    const parts = values.merge
      .split(',')
      .map((file) =>
        file.endsWith('.log')
          ? runFromLog(fs.readFileSync(file, 'utf8'))
          : (JSON.parse(fs.readFileSync(file, 'utf8')) as FuzzRun),
      );
    const run = mergeRuns(parts);
    const file = path.join(repoRoot(), 'docs', 'reliability.md');
    await writeReliabilityDoc(file, renderFuzzFigures(run));
    console.log(`Figures of ${parts.length} shard(s) written to ${path.relative(process.cwd(), file)}.`);
    return run.figures.some((f) => f.failure) ? 1 : 0;
  }
  const shard = /^(\d+)\/(\d+)$/.exec(values.shard ?? '1/1');
  const [shardIndex, shardCount] = [Number(shard?.[1]), Number(shard?.[2])];
  if (!shard || shardIndex < 1 || shardIndex > shardCount) {
    console.error(usage);
    return 2;
  }
  const runs = Number(values.runs ?? 10_000);
  const seed = Number(values.seed ?? Date.now() % 2 ** 31);
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed)) {
    console.error(usage);
    return 2;
  }
  const endpoints = ALL_ENDPOINTS.filter(
    (e, i) =>
      (!values.endpoint || values.endpoint.split(',').some((name) => e.name.includes(name))) &&
      i % shardCount === shardIndex - 1,
  );
  const whole = !values.endpoint && shardCount === 1;
  if (endpoints.length === 0) {
    console.error(
      `No endpoint matches ${values.endpoint}. Endpoints: ${ALL_ENDPOINTS.map((e) => e.name).join(', ')}`,
    );
    return 2;
  }
  console.log(`Fuzzing ${endpoints.length} endpoint(s), ${runs} case(s) each, seed ${seed}.`);
  const loadBefore = os.loadavg();
  const began = performance.now();
  const host = await startFuzzHost({ statePrefix: 'fuzz-run-' });
  const figures: EndpointFigures[] = [];
  let deepLoad: DeepLoadFigures | undefined;
  let largeBodies: LargeBodyFigures[] | undefined;
  try {
    for (const endpoint of endpoints) {
      const startedAt = performance.now();
      const result = await fuzzEndpoint(host, endpoint, {
        runs,
        seed,
        onProgress: (f) =>
          console.log(
            `     ${endpoint.name}: ${f.cases} cases, max ${Math.round(f.maxMs)} ms (${f.slowestKind})`,
          ),
      });
      figures.push(result);
      const statuses = Object.entries(result.statuses)
        .map(([status, count]) => `${status}×${count}`)
        .join(' ');
      console.log(
        `${result.failure ? 'FAIL' : 'ok  '} ${endpoint.name}: ${result.cases} cases (${result.hostile} hostile) ${statuses}, ` +
          `max ${Math.round(result.maxMs)} ms (${result.slowestKind}), ${result.slowOnce.length} slow once, ` +
          `${Math.round((performance.now() - startedAt) / 1000)} s`,
      );
      if (result.failure) console.log(result.failure);
    }
    if ((!values.endpoint && shardIndex === 1) || values.measure) {
      deepLoad = await measureDeepLoad(host);
      largeBodies = await measureLargeBodies(host);
    }
  } finally {
    await host.stop();
    closeRawAgent();
  }
  const run: FuzzRun = {
    date: new Date().toISOString(),
    seed,
    runs,
    seconds: (performance.now() - began) / 1000,
    loadBefore,
    loadAfter: os.loadavg(),
    cpus: os.cpus().length,
    node: process.version,
    figures,
    ...(deepLoad ? { deepLoad } : {}),
    ...(largeBodies ? { largeBodies } : {}),
  };
  for (const b of largeBodies ?? []) {
    console.log(
      `${b.megabytes} MB body to ${b.route}: ${b.status} in ${Math.round(b.maxMs)} ms (slowest of ${b.tries}).`,
    );
  }
  if (deepLoad) {
    console.log(
      `Ten concurrent ${deepLoad.bodyBytes}-byte nested bodies: unrelated GET /api/openapi.json at most ` +
        `${Math.round(deepLoad.unrelatedMaxMs)} ms over ${deepLoad.rounds} rounds (alone: ${Math.round(deepLoad.unrelatedAloneMs)} ms); ` +
        `the deep bodies answered ${deepLoad.deepStatuses.join('/')} within ${Math.round(deepLoad.deepMaxMs)} ms.`,
    );
  }
  console.log(
    `Load average ${run.loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${run.loadAfter.map((l) => l.toFixed(2)).join(' ')} after.`,
  );
  if (values.save) {
    fs.writeFileSync(values.save, JSON.stringify(run, null, 2));
    console.log(`Figures saved to ${values.save}.`);
  } else if (whole) {
    const file = path.join(repoRoot(), 'docs', 'reliability.md');
    await writeReliabilityDoc(file, renderFuzzFigures(run));
    console.log(`Figures written to ${path.relative(process.cwd(), file)}.`);
  }
  return figures.some((f) => f.failure) ? 1 : 0;
}

/**
 * Ten 20 KB bodies nested 10,000 levels, sent at once to the starters and webhooks, while an
 * unrelated request is timed; rounds repeat it, the slowest unrelated answer counts.
 */
async function measureDeepLoad(host: FuzzHost): Promise<DeepLoadFigures> {
  const headers = { 'x-functions-key': host.env.masterKey, 'content-type': 'application/json' };
  const body = Buffer.from(nestedText(10_000, 'array'));
  const targets = [
    '/api/orders',
    '/api/batches',
    '/api/approvals',
    '/api/operations',
    '/api/approvals/approval-none/response',
    '/runtime/webhooks/durabletask/orchestrators/processOrder',
    `/runtime/webhooks/durabletask/instances/${host.env.known.eventTargetInstanceId}/raiseEvent/Deep`,
    '/runtime/webhooks/durabletask/entities/customerStats/deep?op=x',
    '/api/orders',
    '/runtime/webhooks/durabletask/orchestrators/processOrder',
  ];
  const unrelated = () => sendRaw(host.origin, { method: 'GET', path: '/api/openapi.json' });
  const alone: number[] = [];
  for (let i = 0; i < 5; i++) alone.push((await unrelated()).ms);
  const rounds = 20;
  let unrelatedMaxMs = 0;
  let deepMaxMs = 0;
  const deepStatuses = new Set<number>();
  for (let round = 0; round < rounds; round++) {
    const deep = targets.map((target) =>
      sendRaw(host.origin, { method: 'POST', path: target, headers, body }),
    );
    const timed = await unrelated();
    unrelatedMaxMs = Math.max(unrelatedMaxMs, timed.ms);
    for (const answer of await Promise.all(deep)) {
      deepStatuses.add(answer.status);
      deepMaxMs = Math.max(deepMaxMs, answer.ms);
    }
  }
  return {
    bodyBytes: body.length,
    rounds,
    unrelatedAloneMs: Math.min(...alone),
    unrelatedMaxMs,
    deepMaxMs,
    deepStatuses: [...deepStatuses].sort(),
  };
}

/**
 * The endpoints a run finished, read back from what it printed (a run stopped before its end
 * saves nothing): cases, statuses, slowest answer and slow-once count per endpoint.
 */
function runFromLog(log: string): FuzzRun {
  const head = /Fuzzing \d+ endpoint\(s\), (\d+) case\(s\) each, seed (\d+)\./.exec(log);
  const started = /^# started (\S+) load (\S+) (\S+) (\S+)$/m.exec(log);
  const routes = new Map(ALL_ENDPOINTS.map((e) => [e.name, e.route]));
  const figures: EndpointFigures[] = [];
  let seconds = 0;
  for (const line of log.split('\n')) {
    const m =
      /^(ok|FAIL) +(\S+): (\d+) cases \((\d+) hostile\) (.*), max (\d+) ms \((.*)\), (\d+) slow once, (\d+) s$/.exec(
        line,
      );
    if (!m) continue;
    seconds += Number(m[9]);
    figures.push({
      endpoint: m[2]!,
      route: routes.get(m[2]!) ?? m[2]!,
      cases: Number(m[3]),
      hostile: Number(m[4]),
      statuses: Object.fromEntries(
        m[5]!
          .split(' ')
          .map((pair) => pair.split('×') as [string, string])
          .map(([k, v]) => [k, Number(v)]),
      ),
      maxMs: Number(m[6]),
      slowestKind: m[7]!,
      slowOnce: Array.from({ length: Number(m[8]) }, () => 'details in the run log'),
      ...(m[1] === 'FAIL' ? { failure: `${m[2]} failed (see the run log)` } : {}),
    });
  }
  const load = started ? [Number(started[2]), Number(started[3]), Number(started[4])] : [];
  return {
    date: started?.[1] ?? new Date().toISOString(),
    seed: Number(head?.[2]),
    runs: Number(head?.[1]),
    seconds,
    loadBefore: load,
    loadAfter: os.loadavg(),
    cpus: os.cpus().length,
    node: process.version,
    figures,
  };
}

/** Shards of one run (same seed and runs) as one: their endpoints in catalogue order, the widest time span. */
function mergeRuns(parts: FuzzRun[]): FuzzRun {
  const order = new Map(ALL_ENDPOINTS.map((e, i) => [e.name, i]));
  const deepLoad = parts.find((p) => p.deepLoad)?.deepLoad;
  return {
    ...parts[0]!,
    ...(parts.find((p) => p.largeBodies)
      ? { largeBodies: parts.find((p) => p.largeBodies)!.largeBodies }
      : {}),
    seconds: Math.max(...parts.map((p) => p.seconds)),
    loadBefore: parts[0]!.loadBefore,
    loadAfter: parts[parts.length - 1]!.loadAfter,
    shards: parts.length,
    // An endpoint run again on its own (after a fix) replaces its earlier figures.
    figures: [...new Map(parts.flatMap((p) => p.figures).map((f) => [f.endpoint, f])).values()].sort(
      (a, b) => (order.get(a.endpoint) ?? 0) - (order.get(b.endpoint) ?? 0),
    ),
    reruns: parts
      .flatMap((p) => p.figures.map((f) => f.endpoint))
      .filter((name, i, all) => all.indexOf(name) !== i),
    ...(deepLoad ? { deepLoad } : {}),
  };
}

/**
 * Bodies of megabytes, timed apart from the one-second property: the host reads a body whole
 * before anything can refuse it, so the time grows with the size. The app refuses what is over
 * its own limit (413); the webhooks parse what they get.
 */
async function measureLargeBodies(host: FuzzHost): Promise<LargeBodyFigures[]> {
  const headers = { 'x-functions-key': host.env.masterKey, 'content-type': 'application/json' };
  const results: LargeBodyFigures[] = [];
  for (const megabytes of [2.1, 10, 20]) {
    const body = Buffer.from(JSON.stringify({ id: 'x'.repeat(Math.round(megabytes * 1024 * 1024)) }));
    for (const route of ['/api/orders', '/runtime/webhooks/durabletask/orchestrators/nope']) {
      let maxMs = 0;
      let status = 0;
      const tries = 3;
      for (let i = 0; i < tries; i++) {
        const answer = await sendRaw(host.origin, { method: 'POST', path: route, headers, body }, 30_000);
        maxMs = Math.max(maxMs, answer.ms);
        status = answer.status;
      }
      results.push({ megabytes, route, status, maxMs, tries });
    }
  }
  return results;
}

/** Writes the figures between the markers, formatted as `npm run lint` checks it (Prettier). */
async function writeReliabilityDoc(file: string, figures: string): Promise<void> {
  const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(file)) ?? {};
  const text = replaceBetweenMarkers(existing, 'fuzz', figures);
  fs.writeFileSync(file, await prettier.format(text, { ...options, filepath: file }));
}

function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'host.json')) && fs.existsSync(path.join(dir, 'docs'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No repository root above ${__dirname}.`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
