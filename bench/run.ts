/**
 * `npm run bench`: runs the scenarios on every target, round after round, each run in a child
 * process of its own, and writes docs/benchmarks.md (see bench/report.ts). Targets of a scenario
 * run one after the other in an order that rotates each round, so load drift hits all of them.
 */
import { type ChildProcess, fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseBenchArgs, type BenchOptions } from './cli';
import type { Job, JobResult } from './job';
import { describeMachine } from './machine';
import { repoRoot } from './paths';
import { mergeIntoDoc, renderBlock, resultRows, type BenchRun } from './report';
import { findScenario, SCENARIOS } from './scenarios';
import { deleteRunData, SharedStacks } from './stacks';

/** Quick runs get a minute per measurement; a job gets its cap plus this for start-up, setup and stop. */
const QUICK_CAP_MS = 60_000;
const JOB_OVERHEAD_MS = 180_000;

export function planJobs(options: BenchOptions): Job[] {
  const jobs: Job[] = [];
  for (let round = 0; round < options.rounds; round++) {
    for (const name of options.scenarios) {
      const scenario = findScenario(name);
      if (round >= (scenario.rounds ?? options.rounds)) continue;
      const targets = scenario.targets.filter((t) => options.targets.includes(t));
      for (let i = 0; i < targets.length; i++) {
        const target = targets[(i + round) % targets.length];
        if (!target) continue;
        const azure = target.startsWith('azure');
        const cap = azure ? (scenario.azureCapSeconds ?? scenario.capSeconds) : scenario.capSeconds;
        const setup = (azure ? scenario.azureSetupSeconds : undefined) ?? scenario.setupSeconds ?? 60;
        const capMs = options.quick ? QUICK_CAP_MS : cap * 1000 * options.capScale;
        const setupMs = options.quick ? QUICK_CAP_MS : setup * 1000 * options.capScale;
        const id = `${jobs.length + 1}x${process.pid}`;
        jobs.push({
          scenario: name,
          target,
          quick: options.quick,
          capMs,
          setupMs,
          round,
          ...(target !== 'restate' && target !== 'memory' ? { hubName: `Bench${id}` } : {}),
          ...(target !== 'restate' && scenario.app === 'orders' ? { database: `bench-${id}` } : {}),
        });
      }
    }
  }
  return jobs;
}

/** One long-lived benchmark process per target (see worker.ts); replaced when it goes. */
class Workers {
  private readonly children = new Map<string, ChildProcess>();

  run(job: Job): Promise<JobResult> {
    const child = this.child(job.target);
    return new Promise((resolve) => {
      const fail = (error: string): JobResult => ({ job, figures: [], error, seconds: Number.NaN });
      const timer = setTimeout(
        () => {
          child.kill('SIGKILL');
          done(fail(`did not finish within ${(job.capMs + job.setupMs + JOB_OVERHEAD_MS) / 1000} s`));
        },
        job.capMs + job.setupMs + JOB_OVERHEAD_MS,
      );
      const onMessage = (message: unknown) => done(message as JobResult);
      const onExit = (code: number | null, signal: string | null) =>
        done(fail(`the benchmark process exited (${signal ?? String(code)}) during the run`));
      const done = (result: JobResult) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (result.unclean || child.exitCode !== null || child.signalCode !== null)
          this.children.delete(job.target);
        resolve(result);
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.send(job);
    });
  }

  stopAll(): void {
    for (const child of this.children.values()) child.disconnect();
    this.children.clear();
  }

  private child(target: string): ChildProcess {
    const existing = this.children.get(target);
    if (existing && existing.exitCode === null && existing.signalCode === null) return existing;
    // BENCH_CPU_PROF=<folder>: each benchmark process writes a V8 CPU profile there when it exits.
    const profileDir = process.env.BENCH_CPU_PROF;
    const child = fork(path.join(__dirname, 'worker.js'), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      ...(profileDir ? { execArgv: [...process.execArgv, '--cpu-prof', '--cpu-prof-dir', profileDir] } : {}),
    });
    this.children.set(target, child);
    return child;
  }
}

/** A run in its target's process, on the shared emulators it needs; their peak RSS is added. */
async function runShared(workers: Workers, stacks: SharedStacks, planned: Job): Promise<JobResult> {
  const scenario = findScenario(planned.scenario);
  if (planned.target === 'restate' || (planned.target === 'memory' && scenario.app !== 'orders')) {
    return workers.run(planned);
  }
  const kind = SharedStacks.kindOf(planned.target);
  const job: Job = { ...planned, stack: await stacks.stack(kind) };
  await stacks.resetPeaks(kind);
  const result = await workers.run(job);
  const helpers = await stacks.peaks(kind, [
    ...(job.target !== 'memory' ? (['Azurite'] as const) : []),
    ...(job.database ? (['Cosmos'] as const) : []),
  ]);
  // The run deletes its hub and database; again here in case its process died first.
  await deleteRunData(job).catch((error: unknown) =>
    console.error(`Cleaning up after a run failed: ${String(error)}`),
  );
  if (job.stack?.throwaway) await stacks.retire(kind);
  if (!result.rss) return result;
  const rss = { ...result.rss, helpersMb: { ...result.rss.helpersMb, ...helpers } };
  const total = rss.mainMb + Object.values(rss.helpersMb).reduce((sum, mb) => sum + mb, 0);
  return {
    ...result,
    rss,
    figures: result.figures.map((f) => (f.key === 'rss' ? { ...f, value: total } : f)),
  };
}

function summary(result: JobResult): string {
  if (result.error) return `failed: ${result.error}`;
  return result.figures
    .map(
      (f) =>
        `${f.key} ${Number.isFinite(f.value) ? f.value.toFixed(f.value >= 100 ? 0 : 2) : 'n/a'}${f.capped ? '†' : ''}`,
    )
    .join(', ');
}

async function measureAll(options: BenchOptions): Promise<BenchRun> {
  const machine = describeMachine();
  const startedAt = new Date();
  const jobs = planJobs(options);
  console.log(
    `${jobs.length} runs on ${machine.cores} × ${machine.cpu}, load ${machine.load.map((l) => l.toFixed(1)).join(' ')}` +
      (options.quick ? ' (quick sizes)' : ''),
  );
  const results: JobResult[] = [];
  const stacks = new SharedStacks();
  const workers = new Workers();
  // Interrupted: the runs' processes and emulators go, and the emulators' temporary folders.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      workers.stopAll();
      void stacks.stopAll().finally(() => process.exit(130));
    });
  }
  try {
    for (const [i, planned] of jobs.entries()) {
      const result = await runShared(workers, stacks, planned);
      results.push(result);
      const job = result.job;
      console.log(
        `[${i + 1}/${jobs.length}] round ${job.round + 1} ${job.scenario} on ${job.target} ` +
          `(${Number.isFinite(result.seconds) ? result.seconds.toFixed(1) : '?'} s): ${summary(result)}`,
      );
    }
  } finally {
    workers.stopAll();
    await stacks.stopAll();
  }
  return {
    command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(
      ' ',
    ),
    startedAt,
    finishedAt: new Date(),
    machine,
    loadAtEnd: os.loadavg(),
    rounds: options.rounds,
    quick: options.quick,
    results,
  };
}

/** A run saved with --save (its dates are ISO strings in the file). */
function loadRun(file: string): BenchRun {
  const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchRun & {
    startedAt: string;
    finishedAt: string;
  };
  return { ...saved, startedAt: new Date(saved.startedAt), finishedAt: new Date(saved.finishedAt) };
}

async function main(): Promise<void> {
  const options = parseBenchArgs(process.argv.slice(2));
  const run = options.render ? loadRun(options.render) : await measureAll(options);
  if (options.save) fs.writeFileSync(options.save, JSON.stringify(run, null, 1));
  const names = new Set(run.results.map((r) => r.job.scenario));
  const scenarios = SCENARIOS.filter((s) => names.has(s.name));
  if (options.write || options.render) {
    const target = path.join(repoRoot(), 'docs/benchmarks.md');
    const existing = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
    fs.writeFileSync(target, mergeIntoDoc(existing, renderBlock(run, scenarios)));
    console.log(`Wrote ${target}`);
  } else {
    console.log(
      ['', ...resultRows(run, scenarios), '', 'Not written to docs/benchmarks.md (--write writes it).'].join(
        '\n',
      ),
    );
  }
  if (run.results.some((r) => r.error)) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
