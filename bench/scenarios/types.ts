/** What a benchmark scenario is, what it measures, and the goals its figures are held against. */
import type { BenchApp, DevhostTarget, StoreTarget } from '../targets/devhost';
import type { RestateTarget } from '../targets/restate';

export type TargetName = StoreTarget | 'restate';

export const DEVHOST_TARGETS: readonly StoreTarget[] = ['memory', 'azure-disk', 'azure-memory'];
export const ALL_TARGETS: readonly TargetName[] = [...DEVHOST_TARGETS, 'restate'];

/** One measured value of one run. */
export interface Measured {
  key: string;
  value: number;
  /** The run hit its time cap before the work was done: the value covers what was done by then. */
  capped?: boolean;
  /** What the value covers, e.g. `84 of 1,000 activities`. */
  note?: string;
  /**
   * Whether the value is only a lower bound of the true one, when this run knows (a latency
   * percentile that counts unfinished work); otherwise the spec's `lowerBoundWhenCut` decides.
   */
  lowerBound?: boolean;
}

export type Goal =
  | { kind: 'atMost'; value: number; targets: readonly TargetName[] }
  | { kind: 'atLeast'; value: number; targets: readonly TargetName[] }
  /** At most `factor` times figure `key` of scenario `scenario`, same target, same round. */
  | { kind: 'timesOf'; scenario: string; key: string; factor: number; targets: readonly TargetName[] }
  /** The figure divided by Restate's in the same round is at least `value`. */
  | { kind: 'peerAtLeast'; value: number; targets: readonly TargetName[] };

export interface FigureSpec {
  key: string;
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  goals?: readonly Goal[];
  /**
   * From a run cut short, the figure only says the true value is at least this (a time, the
   * largest progress step). Default: times (unit `s`); rates and latencies over what was done
   * are figures in their own right.
   */
  lowerBoundWhenCut?: boolean;
}

export function isLowerBound(spec: FigureSpec, figure: Measured): boolean {
  return figure.lowerBound ?? (figure.capped === true && (spec.lowerBoundWhenCut ?? spec.unit === 's'));
}

export interface RunControl {
  quick: boolean;
  /** How long the measured part of a run may take before it reports what it has. */
  capMs: number;
  /** How long its unmeasured setup (filling the hub, say) may take. */
  setupMs: number;
}

/**
 * The measured part of a run (epoch ms). At `deadline` it closes once the run has measured
 * enough; at `hardDeadline` whatever it has: a rate over a window shorter than one completion
 * would read zero on a slow target.
 */
export interface Window {
  deadline: number;
  hardDeadline: number;
  /** Set when the window closed: clients start no more work. */
  closed: boolean;
}

/** Opens the measured part of a run, after its setup; it may stretch to `stretch` times the cap. */
export function openWindow(run: RunControl, stretch = 1): Window {
  const now = Date.now();
  return { deadline: now + run.capMs, hardDeadline: now + run.capMs * stretch, closed: false };
}

export interface Scenario {
  name: string;
  title: string;
  /** What the run does, for the report. */
  description: string;
  app: BenchApp;
  targets: readonly TargetName[];
  /** At most this many rounds (default: every round of the benchmark). */
  rounds?: number;
  /** How long a full run may measure for (after its setup); quick runs get a minute. */
  capSeconds: number;
  /**
   * The same on the azure store, where runs are slow enough to hit their cap anyway: a shorter
   * window still gives the rate, and keeps a full benchmark within minutes. Default `capSeconds`.
   */
  azureCapSeconds?: number;
  /** Limit of the unmeasured setup, if the scenario has one (default 60 s; quick runs: 60 s). */
  setupSeconds?: number;
  azureSetupSeconds?: number;
  figures: readonly FigureSpec[];
  onDevhost?(target: DevhostTarget, run: RunControl): Promise<Measured[]>;
  onRestate?(target: RestateTarget, run: RunControl): Promise<Measured[]>;
}

export const CITIES = ['Tokyo', 'Seattle', 'London', 'Paris', 'Cairo'];

/**
 * Waits for `work`: true when it is done within the window, false when the window closes first
 * (past its deadline once `enough()` holds, past its hard deadline in any case). A failure of
 * `work` within the window is thrown.
 */
export async function measure(
  window: Window,
  work: Promise<unknown>,
  enough: () => boolean = () => true,
): Promise<boolean> {
  const done = work.then(() => true);
  done.catch(() => undefined);
  for (;;) {
    const now = Date.now();
    if (window.closed || now >= window.hardDeadline || (now >= window.deadline && enough())) break;
    const wake = Math.min(window.hardDeadline, now >= window.deadline ? now + 50 : window.deadline);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), wake - now)));
    const finished = await Promise.race([done, late]).finally(() => clearTimeout(timer));
    if (finished) return true;
  }
  window.closed = true;
  return false;
}

export function seconds(fromMs: number): number {
  return (performance.now() - fromMs) / 1000;
}
