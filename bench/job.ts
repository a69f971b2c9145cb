/**
 * One run of one scenario on one target: start the target, measure, read peak RSS, stop. The
 * benchmark runs each job in a child process of its own (`worker.ts`) so every run starts cold
 * and its peak RSS is its own; the smoke test runs jobs in-process.
 */
import { performance } from 'node:perf_hooks';
import { findScenario, type Measured, type TargetName } from './scenarios';
import { resetPeakRss, type PeakRss } from './rss';
import { deleteRunData } from './stacks';
import { DevhostTarget, type SharedStack } from './targets/devhost';
import { RestateTarget } from './targets/restate';

export interface Job {
  scenario: string;
  target: TargetName;
  quick: boolean;
  capMs: number;
  setupMs: number;
  /** Which round of the benchmark (0-based); ratios and goals compare jobs of one round. */
  round: number;
  /** Emulators shared between runs, with the hub and database this run uses in them. */
  stack?: SharedStack;
  hubName?: string;
  database?: string;
}

export interface JobResult {
  job: Job;
  figures: Measured[];
  rss?: PeakRss;
  error?: string;
  /** Wall time of the whole job, start-up and stop included. */
  seconds: number;
  /** The target did not stop in time: its process should go. */
  unclean?: boolean;
}

export interface RunJobOptions {
  /** Longest wait for the target to stop; a capped run may leave much work behind. */
  stopTimeoutMs?: number;
}

/** Untimed work at the start of each run, on every target alike. */
const WARM_UP_MS = 2_000;

/**
 * Runs `once` for `WARM_UP_MS` (once in a quick run): the first calls open connections, and a
 * fresh process runs its code unoptimised at first. A fresh Azurite spends about 1.5 × the CPU
 * per call on its first few thousand calls (docs/benchmarks.md).
 */
async function warmUp(quick: boolean, once: () => Promise<unknown>): Promise<void> {
  const until = performance.now() + (quick ? 0 : WARM_UP_MS);
  do await once();
  while (performance.now() < until);
}

export async function runJob(job: Job, options: RunJobOptions = {}): Promise<JobResult> {
  const began = performance.now();
  const scenario = findScenario(job.scenario);
  const run = { quick: job.quick, capMs: job.capMs, setupMs: job.setupMs };
  resetPeakRss('self');
  let stop: (() => Promise<void>) | undefined;
  let quiet: (() => void) | undefined;
  let result: JobResult;
  try {
    let figures: Measured[];
    let rss: PeakRss;
    if (job.target === 'restate') {
      if (!scenario.onRestate) throw new Error(`Scenario ${scenario.name} has no Restate workload.`);
      const target = await RestateTarget.start();
      stop = () => target.stop();
      await warmUp(job.quick, () => target.call('helloSequence', ['warm-up']));
      figures = await scenario.onRestate(target, run);
      rss = target.peakRss();
    } else {
      if (!scenario.onDevhost) throw new Error(`Scenario ${scenario.name} has no devhost workload.`);
      const target = await DevhostTarget.start({
        target: job.target,
        app: scenario.app,
        ...(job.stack ? { stack: job.stack } : {}),
        ...(job.hubName ? { hubName: job.hubName } : {}),
        ...(job.database ? { database: job.database } : {}),
      });
      stop = () => target.stop();
      quiet = target.quiet;
      if (scenario.app === 'bench') {
        let n = 0;
        await warmUp(job.quick, () => target.run('HelloSequence', `warm-up-${++n}`, ['warm-up']));
      }
      figures = await scenario.onDevhost(target, run);
      rss = target.peakRss();
    }
    const total = rss.mainMb + Object.values(rss.helpersMb).reduce((sum, mb) => sum + mb, 0);
    figures.push({ key: 'rss', value: total });
    result = { job, figures, rss, seconds: (performance.now() - began) / 1000 };
  } catch (error) {
    result = {
      job,
      figures: [],
      error: error instanceof Error ? error.message : String(error),
      seconds: (performance.now() - began) / 1000,
    };
  }
  // A run cut short leaves work behind; on a shared stack its hub goes first, so that stopping
  // does not hand thousands of messages back to queues that are about to be deleted.
  if (job.stack && result.figures.some((f) => f.capped)) {
    quiet?.();
    await deleteRunData(job).catch(() => undefined);
  }
  if (stop && !(await withTimeout(stop(), options.stopTimeoutMs))) result.unclean = true;
  await deleteRunData(job);
  return result;
}

/** True when `work` settled within `ms`. */
async function withTimeout(work: Promise<void>, ms: number | undefined): Promise<boolean> {
  if (ms === undefined) {
    await work;
    return true;
  }
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    work.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]);
  clearTimeout(timer);
  return settled;
}
