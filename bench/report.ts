/**
 * docs/benchmarks.md from the results of a benchmark run (pure). The generated part sits between
 * two markers; everything outside them (sections other people write, such as "Where the time goes
 * (azure store)" and "Dashboard") is kept as it is.
 */
import type { JobResult } from './job';
import type { Machine } from './machine';
import {
  type FigureSpec,
  type Goal,
  isLowerBound,
  type Measured,
  type Scenario,
  type TargetName,
} from './scenarios/types';
import { spread } from './stats';

export const BEGIN =
  '<!-- bench:begin (written by `npm run bench`, bench/report.ts: edit the generator, not this part) -->';
export const END = '<!-- bench:end -->';

export interface BenchRun {
  command: string;
  startedAt: Date;
  finishedAt: Date;
  machine: Machine;
  loadAtEnd: readonly number[];
  rounds: number;
  quick: boolean;
  results: readonly JobResult[];
}

const TARGET_LABEL: Record<TargetName, string> = {
  memory: 'memory store',
  'azure-disk': 'azure store, Azurite on disk',
  'azure-memory': 'azure store, in-memory Azurite',
  restate: 'Restate',
};

function format(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const mib = (value: number): string =>
  Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';

/** A capped time is only a lower bound (the work was not done); other capped figures cover part of it. */
function show(figure: Measured | undefined, spec: FigureSpec): string {
  if (!figure) return '–';
  if (isLowerBound(spec, figure)) return `${spec.unit === 's' ? '>' : '≥'} ${format(figure.value)}`;
  return `${format(figure.value)}${figure.capped ? '†' : ''}`;
}

function figureOf(result: JobResult | undefined, key: string): Measured | undefined {
  return result?.figures.find((f) => f.key === key);
}

function goalText(goal: Goal, spec: FigureSpec, scenarios: readonly Scenario[]): string {
  switch (goal.kind) {
    case 'atMost':
      return `≤ ${format(goal.value)} ${spec.unit}`;
    case 'atLeast':
      return `≥ ${format(goal.value)} ${spec.unit}`;
    case 'timesOf': {
      const other = scenarios.find((s) => s.name === goal.scenario);
      return `≤ ${goal.factor} × ${other?.title.toLowerCase() ?? goal.scenario} ${goal.key === 'seconds' ? 'time' : goal.key}`;
    }
    case 'peerAtLeast':
      return `≥ ${goal.value} × Restate`;
  }
}

/** Whether one round's figure meets the goal; undefined when that cannot be told. */
function meets(
  goal: Goal,
  figure: Measured | undefined,
  peer: Measured | undefined,
  other: Measured | undefined,
  spec: FigureSpec,
): boolean | undefined {
  if (!figure || !Number.isFinite(figure.value)) return undefined;
  // A lower bound above the limit fails; below it, it says nothing.
  const atMost = (limit: number): boolean | undefined =>
    figure.value > limit ? false : isLowerBound(spec, figure) ? undefined : true;
  switch (goal.kind) {
    case 'atMost':
      return atMost(goal.value);
    case 'atLeast':
      return figure.value >= goal.value;
    case 'timesOf':
      if (!other || !Number.isFinite(other.value) || other.capped) return undefined;
      return atMost(goal.factor * other.value);
    case 'peerAtLeast':
      if (!peer || !Number.isFinite(peer.value) || peer.value === 0) return undefined;
      return figure.value / peer.value >= goal.value;
  }
}

function jobsOf(run: BenchRun, scenario: string, target: TargetName): (JobResult | undefined)[] {
  return Array.from({ length: run.rounds }, (_, round) =>
    run.results.find((r) => r.job.scenario === scenario && r.job.target === target && r.job.round === round),
  );
}

export function resultRows(run: BenchRun, scenarios: readonly Scenario[]): string[] {
  const rows = [
    '| scenario | figure | target | min | median | max | runs | ÷ Restate, median (min–max) | goal | goal met | notes |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | --- | --- | --- | --- |',
  ];
  for (const scenario of scenarios) {
    for (const spec of scenario.figures) {
      for (const target of scenario.targets) {
        const jobs = jobsOf(run, scenario.name, target);
        if (jobs.every((j) => !j)) continue;
        const figures = jobs.map((j) => figureOf(j, spec.key));
        if (figures.every((f) => !f) && jobs.every((j) => !j?.error)) continue;
        const values = figures.flatMap((f) => (f && Number.isFinite(f.value) ? [f] : []));
        const sorted = [...values].sort((a, b) => a.value - b.value);
        const median = sorted[Math.floor((sorted.length - 1) / 2)];
        const peers = jobsOf(run, scenario.name, 'restate').map((j) => figureOf(j, spec.key));
        const ratios =
          target === 'restate'
            ? []
            : figures.flatMap((f, round) => {
                const p = peers[round];
                // A lower bound divided by anything says nothing.
                const usable = (m: Measured | undefined): m is Measured =>
                  m !== undefined && Number.isFinite(m.value) && !isLowerBound(spec, m);
                return usable(f) && usable(p) && p.value !== 0 ? [f.value / p.value] : [];
              });
        const ratio = spread(ratios);
        const goals = (spec.goals ?? []).filter((g) => g.targets.includes(target));
        const goalCells = goals.map((goal) => {
          const others =
            goal.kind === 'timesOf'
              ? jobsOf(run, goal.scenario, target).map((j) => figureOf(j, goal.key))
              : [];
          const verdicts = figures.map((f, round) => meets(goal, f, peers[round], others[round], spec));
          const known = verdicts.filter((v) => v !== undefined);
          return {
            text: goalText(goal, spec, scenarios),
            met: known.length === 0 ? 'n/a' : `${known.filter(Boolean).length} of ${known.length}`,
          };
        });
        const capped = figures.filter((f) => f?.capped).length;
        const errors = jobs.filter((j) => j?.error).length;
        const ran = jobs.filter((j) => j).length;
        const notes = [
          ...(capped
            ? [`capped in ${capped} of ${ran}${median?.note ? ` (median run: ${median.note})` : ''}`]
            : []),
          ...(!capped && median?.note ? [median.note] : []),
          ...(errors ? [`${errors} run${errors > 1 ? 's' : ''} failed (below)`] : []),
        ];
        const all = spread(values.map((v) => v.value));
        rows.push(
          `| ${scenario.name} | ${spec.label} (${spec.unit}) | ${TARGET_LABEL[target]} | ` +
            `${all ? show(sorted[0], spec) : '–'} | ${show(median, spec)} | ${all ? show(sorted[sorted.length - 1], spec) : '–'} | ` +
            `${values.length} | ${ratio ? `${format(ratio.median)} (${format(ratio.min)}–${format(ratio.max)})` : '–'} | ` +
            `${goalCells.map((g) => g.text).join('; ') || '–'} | ${goalCells.map((g) => g.met).join('; ') || '–'} | ` +
            `${notes.join('; ')} |`,
        );
      }
    }
  }
  return rows;
}

function rssRows(run: BenchRun, scenarios: readonly Scenario[]): string[] {
  const targets: TargetName[] = ['memory', 'azure-disk', 'azure-memory', 'restate'];
  const rows = [
    `| scenario | ${targets.map((t) => TARGET_LABEL[t]).join(' | ')} |`,
    `| --- | ${targets.map(() => '---:').join(' | ')} |`,
  ];
  for (const scenario of scenarios) {
    const cells = targets.map((target) => {
      if (!scenario.targets.includes(target)) return '';
      const peaks = jobsOf(run, scenario.name, target).flatMap((j) => (j?.rss ? [j.rss] : []));
      if (peaks.length === 0) return '–';
      const total = (r: (typeof peaks)[number]) =>
        r.mainMb + Object.values(r.helpersMb).reduce((a, b) => a + b, 0);
      const top = peaks.reduce((a, b) => (total(b) > total(a) ? b : a));
      const helpers = Object.entries(top.helpersMb).map(([name, mb]) => ` + ${name} ${mib(mb)}`);
      return `${mib(total(top))} (${mib(top.mainMb)}${helpers.join('')})`;
    });
    rows.push(`| ${scenario.name} | ${cells.join(' | ')} |`);
  }
  return rows;
}

export function renderBlock(run: BenchRun, scenarios: readonly Scenario[]): string {
  const m = run.machine;
  const load = (l: readonly number[]) => l.map((x) => x.toFixed(1)).join(', ');
  const minutes = (run.finishedAt.getTime() - run.startedAt.getTime()) / 60_000;
  const failed = run.results.filter((r) => r.error);
  const restateFailures = failed.filter((r) => r.job.target === 'restate');
  const lines = [
    BEGIN,
    '',
    `Command: \`${run.command}\` · Date: ${run.startedAt.toISOString()} (${format(minutes)} min) · ` +
      `Machine: ${m.cores} × ${m.cpu}, ${format(m.memoryGiB)} GiB, ${m.os}, Node ${m.node} · ` +
      `Load average (1, 5, 15 min) at start: ${load(m.load)}, at end: ${load(run.loadAtEnd)} · ` +
      `Peer: restate-server ${m.restate.server}, @restatedev/restate-sdk ${m.restate.sdk}` +
      (run.quick ? ' · **quick sizes (a smoke run): the figures say nothing about performance**' : ''),
    '',
    `Each figure is the min, median and max of ${run.rounds} run${run.rounds > 1 ? 's' : ''}: the benchmark ` +
      'runs every scenario on every target once per round, the targets of a scenario one after the other in ' +
      'an order that rotates from round to round, so drift in the machine load hits devhost and Restate alike ' +
      '(a scenario marked "one round" runs once). "÷ Restate" divides the ' +
      "figure by Restate's in the same round (for a rate, above 1 is faster than Restate; for a time, below 1 " +
      'is). A run measures for its cap (below) and then reports what it has; one that has not seen enough ' +
      'completions by then (5 latencies, 10 activities, 20 orchestrations or events, 5 orders) goes on until ' +
      'it has, up to five times its cap, since a rate over a window shorter than one completion reads zero. ' +
      '† marks a figure from a run that stopped before its work was done (a rate over the work done by then), ' +
      '"> t" a time that was not reached, "≥ x" a largest step over the part done. The orders scenario ' +
      'waits, after its cap, for the orders already posted (up to five times its cap), so its latencies are ' +
      'those of every order it posted; "≥ x" there counts orders still running then, as slow as they got. ' +
      '"Goal met" ' +
      'counts the runs that meet the goal.',
    '',
    '## Results',
    '',
    ...resultRows(run, scenarios),
    '',
    '## Peak RSS (MiB, largest run: all processes, then the benchmark process + its helpers)',
    '',
    ...rssRows(run, scenarios),
    '',
    '## Scenarios',
    '',
    ...scenarios.map(
      (s) =>
        `- **${s.name}** — ${s.title}${s.rounds === 1 ? ' (one round)' : ''}. ${s.description} Cap: ${s.capSeconds} s${s.azureCapSeconds !== undefined ? ` (azure store: ${s.azureCapSeconds} s)` : ''}. Targets: ` +
        `${s.targets.map((t) => TARGET_LABEL[t]).join('; ')}.`,
    ),
    '',
    '## How the targets run',
    '',
    '- **Processes.** Each target has a benchmark process of its own that runs its runs one after the other ' +
      '(loading devhost and the storage SDKs takes seconds on a busy machine); a process whose run was cut ' +
      'short by its cap and did not stop in time is replaced. Every run starts a fresh devhost or a fresh ' +
      'restate-server, warms it up untimed for 2 s with one-step hello-cities (a fresh process, Azurite ' +
      'included, runs unoptimised code at first; the order-app scenarios have no warm-up), measures, stops ' +
      'it, and reports the peak RSS of its process and of the emulators it used (peaks reset at the start of ' +
      'the run).',
    '- **devhost** runs in its benchmark process with the durable plugin, as `npm start` ' +
      'does but on free ports: the **memory store**; or the **azure store** over Azurite 3.35.0 started by ' +
      "devhost's local stack, either with its data on disk under a temporary folder (as `npm start` runs it) or " +
      'with `--inMemoryPersistence`; the emulators on disk are started once and shared by the runs, each run with a ' +
      'task hub (and Cosmos database) of its own, deleted after it; the in-memory ones are started for each run ' +
      "(in-memory Azurite's once-a-minute sweep of deleted queue messages takes time quadratic in their number: " +
      'after a fan-out of 10,000 it answers nothing for minutes). ' +
      "The workflows are `bench/app` (the concurrency of the order app's host.json: " +
      '10 activities and 10 orchestrations at once, 4 partitions); the order app scenarios load the repository ' +
      "root with devhost's Cosmos server (journalled on disk with the disk Azurite, in memory otherwise) seeded by its " +
      "seed script. Clients start work through the Durable HTTP API or the app's HTTP functions. An instance " +
      'counts as completed when a status read first sees it so: after the checkpoint that writes the terminal ' +
      'status, the benchmark makes one status read (it waits for the row write queued behind the checkpoint), ' +
      'so no polling interval adds latency. Activities give the event loop one turn before they return, as an ' +
      'activity doing I/O does (the Restate services too): with activities that never yield, the memory store ' +
      'runs a whole fan-out as one promise chain in which no timer fires, so no cap could stop it.',
    '- **Restate** is `restate-server` from `@restatedev/restate-server` (its Linux binary), started on loopback ' +
      'ports of its own with its data in a temporary folder, default settings otherwise (telemetry off); the ' +
      'same workflows (`bench/restate/services.ts`, the same activity bodies) run in the benchmark process on ' +
      '`@restatedev/restate-sdk` over HTTP/2, registered through the admin API. An activity is a call to a ' +
      'handler of another service through the server (its own journalled invocation), the nearest thing to a ' +
      'Durable Functions activity. Clients call the workflow handlers through the ingress and the call returns ' +
      'when the workflow has completed. Node 20 lacks `Promise.withResolvers`, which the SDK uses; the ' +
      'benchmark defines it (the ES2024 behaviour) before loading the SDK.',
    ...(restateFailures.length > 0 &&
    restateFailures.length === run.results.filter((r) => r.job.target === 'restate').length
      ? ['', `**Restate did not run here:** ${restateFailures[0]?.error ?? ''}`]
      : []),
    ...(failed.length > 0
      ? [
          '',
          '## Runs that failed',
          '',
          ...failed.map(
            (r) =>
              `- round ${r.job.round + 1}, ${r.job.scenario} on ${TARGET_LABEL[r.job.target]}: ${r.error ?? ''}`,
          ),
        ]
      : []),
    '',
    END,
  ];
  return lines.join('\n');
}

/**
 * Puts the generated block into the document: between the markers when they are there; else
 * after the title, keeping every `##` section of the old document that the old generator did
 * not write.
 */
export function mergeIntoDoc(existing: string | undefined, block: string): string {
  if (existing) {
    const begin = existing.indexOf('<!-- bench:begin');
    const end = existing.indexOf(END);
    if (begin >= 0 && end > begin) {
      return existing.slice(0, begin) + block + existing.slice(end + END.length);
    }
  }
  const generatedBefore = new Set(['Azure Storage task hub']);
  const kept = (existing ?? '')
    .split(/^(?=## )/m)
    .filter((section) => section.startsWith('## '))
    .filter((section) => !generatedBefore.has(section.slice(3, section.indexOf('\n')).trim()));
  return ['# Benchmarks', '', block, '', ...kept.map((s) => s.trimEnd() + '\n')].join('\n').trimEnd() + '\n';
}
