/**
 * The fuzz figures as markdown, and the markers in docs/reliability.md they go between. The
 * document is created when missing, with an empty soak section for the soak script to fill.
 */
import type { EndpointFigures } from './runFuzz';

export interface DeepLoadFigures {
  bodyBytes: number;
  rounds: number;
  /** The unrelated request with nothing else running (fastest of five). */
  unrelatedAloneMs: number;
  /** The slowest unrelated request while ten deep bodies were in flight. */
  unrelatedMaxMs: number;
  deepMaxMs: number;
  deepStatuses: number[];
}

export interface LargeBodyFigures {
  megabytes: number;
  route: string;
  status: number;
  maxMs: number;
  tries: number;
}

export interface FuzzRun {
  date: string;
  seed: number;
  runs: number;
  seconds: number;
  loadBefore: number[];
  loadAfter: number[];
  cpus: number;
  node: string;
  /** Processes the endpoints were shared out to, each with its own host. */
  shards?: number;
  figures: EndpointFigures[];
  /** Endpoints whose figures come from a run of their own after the first one failed. */
  reruns?: string[];
  deepLoad?: DeepLoadFigures;
  largeBodies?: LargeBodyFigures[];
}

const NEW_DOCUMENT = `# Reliability

What was done to break the app and devhost on purpose, and the figures each attempt left. Every
section is written by the script that ran it; the text between its markers is replaced on each run.

## Fuzzing

\`npm run fuzz\` sends property-based hostile input to every HTTP endpoint of the app and of
devhost (see docs/testing.md, "Fuzzing"). A hostile case passes when it gets a 4xx with the
endpoint's error body within a second and neither the task hub nor Cosmos changed; a valid one
when it gets its normal answer.

<!-- fuzz:begin -->
<!-- fuzz:end -->

## Soak

<!-- soak:begin -->
<!-- soak:end -->
`;

/** `existing` (or a new document) with the text between `<!-- name:begin -->` and `<!-- name:end -->` replaced. */
export function replaceBetweenMarkers(existing: string | undefined, name: string, content: string): string {
  const doc = existing ?? NEW_DOCUMENT;
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw new Error(`docs/reliability.md has no ${begin} … ${end} pair.`);
  return `${doc.slice(0, from + begin.length)}\n${content.trim()}\n${doc.slice(to)}`;
}

export function renderFuzzFigures(run: FuzzRun): string {
  const load = (l: number[]) => l.map((v) => v.toFixed(1)).join(' / ');
  const total = run.figures.reduce((sum, f) => sum + f.cases, 0);
  const failures = run.figures.filter((f) => f.failure);
  const lines = [
    `Run of ${run.date.slice(0, 16).replace('T', ' ')} UTC: \`npm run fuzz -- --runs ${run.runs} --seed ${run.seed}\`, ` +
      `${total.toLocaleString('en-US')} requests to ${run.figures.length} endpoints in ${Math.round(run.seconds / 60)} min ` +
      (run.shards && run.shards > 1
        ? `(the endpoints shared out over ${run.shards} processes, each with its own host) `
        : '') +
      `(Node ${run.node}, ${run.cpus} cores shared; load average 1/5/15 min ${load(run.loadBefore)} before, ${load(run.loadAfter)} after).`,
    '',
    '| endpoint | route | cases | hostile | answers by status | slowest answer | slow once, fast again |',
    '| --- | --- | ---: | ---: | --- | ---: | ---: |',
    ...run.figures.map((f) => {
      const statuses = Object.entries(f.statuses)
        .map(([status, count]) => `${status}: ${count}`)
        .join(', ');
      return `| ${f.endpoint}${f.failure ? ' **(failed)**' : ''} | \`${f.route.replace(/\|/g, '\\|')}\` | ${f.cases} | ${f.hostile} | ${statuses} | ${Math.round(f.maxMs)} ms | ${f.slowOnce.length} |`;
    }),
    '',
  ];
  if (run.deepLoad) {
    const d = run.deepLoad;
    lines.push(
      `Ten ${Math.round(d.bodyBytes / 1024)} KB bodies nested 10,000 levels, sent at once to the starters and the webhooks, ` +
        `${d.rounds} times: an unrelated \`GET /api/openapi.json\` took at most ${Math.round(d.unrelatedMaxMs)} ms ` +
        `(${Math.round(d.unrelatedAloneMs)} ms alone); the nested bodies were answered ${d.deepStatuses.join(', ')} within ${Math.round(d.deepMaxMs)} ms.`,
      '',
    );
  }
  if (run.largeBodies?.length) {
    lines.push(
      'Bodies of megabytes are timed apart (the generated ones stay under 1 MB): the host reads a body whole before ' +
        'anything can refuse it, so the answer takes time in proportion to the size. ' +
        run.largeBodies
          .map((b) => `${b.megabytes} MB to \`${b.route}\`: ${b.status} within ${Math.round(b.maxMs)} ms`)
          .join('; ') +
        '.',
      '',
    );
  }
  if (run.reruns?.length) {
    lines.push(
      `Run again on their own with the same seed after a fix, and counted from that run: ${run.reruns.join(', ')}.`,
      '',
    );
  }
  const slowOnce = run.figures.flatMap((f) => f.slowOnce.map((s) => `${f.endpoint} ${s}`));
  if (slowOnce.length > 0) {
    lines.push(
      `A hostile answer slower than a second is sent again; ${slowOnce.length} were fast the second time ` +
        `(the machine, not the input): ${slowOnce.slice(0, 10).join('; ')}${slowOnce.length > 10 ? '; …' : ''}.`,
      '',
    );
  }
  lines.push(
    failures.length === 0
      ? 'No 5xx, no hostile input answered slower than a second twice, none that started an instance or wrote to ' +
          'Cosmos. The slowest answer counts valid cases too, which have no time bound (a start writes and enqueues).'
      : `Failed: ${failures.map((f) => `\n\n\`\`\`\n${f.failure}\n\`\`\``).join('')}`,
  );
  return lines.join('\n');
}
