/**
 * Runs the fuzz property against endpoints: every case is sent as is, its answer checked (no 5xx,
 * the endpoint's error body, within the time limit, the expected status for valid input), and a
 * hostile case must leave the task hub and Cosmos as they were. fast-check shrinks a failure to
 * the smallest input that still fails and reports it with the seed that reproduces the run.
 */
import fc from 'fast-check';
import {
  answerProblems,
  describeCase,
  UNIQUE_MARK,
  type Endpoint,
  type FuzzCase,
  type FuzzEnv,
} from './cases';
import type { Mark } from './fuzzHost';
import { sendRaw, type RawAnswer } from './rawHttp';

/** What a run against one endpoint measured. */
export interface EndpointFigures {
  endpoint: string;
  route: string;
  /** Cases sent in the run proper (shrinking not counted). */
  cases: number;
  hostile: number;
  /** Answers by status code. */
  statuses: Record<string, number>;
  maxMs: number;
  /** The kind of input that took longest. */
  slowestKind: string;
  /** Hostile answers slower than the limit that were fast when sent again (the machine, not the input). */
  slowOnce: string[];
  /** The failure report (seed, shrunk input, what was wrong), when the property failed. */
  failure?: string;
}

/** What the runner needs from the host it fuzzes. */
export interface FuzzTarget {
  readonly origin: string;
  readonly env: FuzzEnv;
  settle(): Promise<void>;
  mark(): Promise<Mark>;
  changesSince(began: Mark): Promise<string[]>;
}

export interface RunOptions {
  runs: number;
  seed: number;
  /** Slowest acceptable answer (1 s). */
  maxMs?: number;
  /** Give up waiting for an answer after this long (a hang). */
  timeoutMs?: number;
  /** Called after every `progressEvery` cases (default 1,000) with the figures so far. */
  onProgress?: (figures: EndpointFigures) => void;
  progressEvery?: number;
}

/** A `..` or `.` segment (raw or `%2e`-encoded) makes the host resolve the path to another resource. */
export function isRetargeted(path: string): boolean {
  const rawPath = path.split('?')[0]!;
  try {
    return new URL(rawPath, 'http://host').pathname !== rawPath;
  } catch {
    return false;
  }
}

let sent = 0;

/** The case with every unique mark replaced by a value no earlier request had. */
function withFreshIds(c: FuzzCase): FuzzCase {
  const fresh = `${process.pid.toString(36)}${(sent++).toString(36)}${Date.now().toString(36)}`;
  const body = c.body?.includes(UNIQUE_MARK)
    ? Buffer.from(c.body.toString('latin1').replaceAll(UNIQUE_MARK, fresh), 'latin1')
    : c.body;
  return { ...c, path: c.path.replaceAll(UNIQUE_MARK, fresh), ...(body ? { body } : {}) };
}

const SLOW = 'answered after';

export class FuzzFailure extends Error {
  override readonly name = 'FuzzFailure';
}

export async function fuzzEndpoint(
  target: FuzzTarget,
  endpoint: Endpoint,
  options: RunOptions,
): Promise<EndpointFigures> {
  const maxMs = options.maxMs ?? 1_000;
  const figures: EndpointFigures = {
    endpoint: endpoint.name,
    route: endpoint.route,
    cases: 0,
    hostile: 0,
    statuses: {},
    maxMs: 0,
    slowestKind: '',
    slowOnce: [],
  };
  let shrinking = false;
  const property = fc.asyncProperty(endpoint.cases(target.env), async (planned: FuzzCase) => {
    // A path that resolves elsewhere asks another resource: any answer but a 5xx or a hang will do.
    const c: FuzzCase = withFreshIds(
      isRetargeted(planned.path)
        ? { ...planned, kind: `${planned.kind}/retargeted`, hostile: false, expected: undefined }
        : planned,
    );
    // Only a hostile case is checked for changes: marking before the others would scan for nothing.
    const began = c.hostile ? await target.mark() : undefined;
    let answer: RawAnswer;
    try {
      answer = await sendRaw(target.origin, c, options.timeoutMs ?? 10_000);
    } catch (err) {
      throw new FuzzFailure(`no answer: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!shrinking) {
      figures.cases += 1;
      if (c.hostile) figures.hostile += 1;
      figures.statuses[answer.status] = (figures.statuses[answer.status] ?? 0) + 1;
      if (answer.ms > figures.maxMs) {
        figures.maxMs = answer.ms;
        figures.slowestKind = c.kind;
      }
      if (figures.cases % (options.progressEvery ?? 1_000) === 0) options.onProgress?.(figures);
    }
    let problems = answerProblems(endpoint.surface, c, answer, maxMs);
    if (problems.length > 0 && problems.every((p) => p.startsWith(SLOW))) {
      // Slow once may be the machine (a shared one stalls now and then); a slow input is slow again.
      const again = await sendRaw(target.origin, withFreshIds(c), options.timeoutMs ?? 10_000);
      problems = answerProblems(endpoint.surface, c, again, maxMs).map(
        (p) => `${p} (and ${Math.round(answer.ms)} ms before)`,
      );
      if (!shrinking)
        figures.slowOnce.push(`${c.kind}: ${Math.round(answer.ms)} ms, then ${Math.round(again.ms)} ms`);
      answer = again;
    }
    if (began) problems.push(...(await target.changesSince(began)));
    else await target.settle();
    if (problems.length > 0) {
      shrinking = true;
      const body = answer.body.toString('utf8');
      throw new FuzzFailure(
        `${problems.join('; ')} (answer: ${answer.status} ${JSON.stringify(body.length > 300 ? `${body.slice(0, 300)}…` : body)})`,
      );
    }
  });
  const details = await fc.check(property, { numRuns: options.runs, seed: options.seed, verbose: 0 });
  if (details.failed) figures.failure = failureReport(endpoint, details, options.seed);
  return figures;
}

function failureReport(endpoint: Endpoint, details: fc.RunDetails<[FuzzCase]>, seed: number): string {
  const shrunk = details.counterexample?.[0];
  const error =
    details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  return [
    `${endpoint.name} (${endpoint.route}) failed after ${details.numRuns} case(s) and ${details.numShrinks} shrink(s).`,
    `Seed ${details.seed}${details.seed === seed ? '' : ` (asked for ${seed})`}, path ${JSON.stringify(details.counterexamplePath)}:` +
      ` npm run fuzz -- --endpoint ${endpoint.name} --seed ${details.seed}`,
    `Shrunk input: ${shrunk ? describeCase(shrunk) : '(none)'}`,
    `Problem: ${error}`,
  ].join('\n');
}
