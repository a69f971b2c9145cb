/**
 * The in-flight check: every instance of a task hub that has not ended, replayed against a build,
 * without changing anything, to say which would fail once that build takes over (and at which step).
 * The same check runs from the command line (`devhost check`), in tests, and under `--watch` before
 * a rebuilt app takes work.
 *
 * Instances come from a source: a `TaskHubStore` read in-process (the memory store of a test host
 * or of the running devhost), an Azure Storage task hub read straight from its tables (nothing is
 * leased or written, so it works while `npm start` runs), or a running devhost's Durable HTTP API.
 */
import type { RuntimeStatus } from '../protocol/history';
import { isTerminal } from '../protocol/history';
import type { TaskHubStore } from '../store/taskHubStore';
import type { Replayer } from './replay';
import { ReplayInputError } from './replay';

export interface InFlightInstance {
  instanceId: string;
  name: string;
  runtimeStatus: RuntimeStatus;
  /** DTF events, or the status API's answer with `historyEvents`. */
  history: unknown;
}

export interface InFlightFinding {
  instanceId: string;
  name: string;
  runtimeStatus: RuntimeStatus;
  /** What happens to it under the checked build, for a person. */
  message: string;
  divergence?: { sequenceId: number; expected: string; found: string | null };
}

export interface InFlightReport {
  /** Instances replayed (not ended, with a history; entities are not replayed). */
  checked: string[];
  /** Those the checked build would fail. */
  breaking: InFlightFinding[];
}

const NOT_ENDED: readonly RuntimeStatus[] = ['Running', 'Suspended', 'ContinuedAsNew', 'Pending'];

/** Replays every instance `source` yields; changes nothing. */
export async function checkInFlight(
  replayer: Pick<Replayer, 'replay'>,
  source: AsyncIterable<InFlightInstance>,
): Promise<InFlightReport> {
  const report: InFlightReport = { checked: [], breaking: [] };
  for await (const instance of source) {
    report.checked.push(instance.instanceId);
    const finding = await checkInstance(replayer, instance);
    if (finding) report.breaking.push(finding);
  }
  return report;
}

async function checkInstance(
  replayer: Pick<Replayer, 'replay'>,
  instance: InFlightInstance,
): Promise<InFlightFinding | undefined> {
  const base = {
    instanceId: instance.instanceId,
    name: instance.name,
    runtimeStatus: instance.runtimeStatus,
  };
  let report;
  try {
    report = await replayer.replay({ history: instance.history, orchestratorName: instance.name });
  } catch (error) {
    if (!(error instanceof ReplayInputError)) throw error;
    return { ...base, message: error.message };
  }
  const problem = report.nonDeterminism;
  if (problem) {
    return {
      ...base,
      message: `expected ${problem.expected} at sequence ${problem.sequenceId}, found ${problem.found ?? 'nothing'}`,
      divergence: { sequenceId: problem.sequenceId, expected: problem.expected, found: problem.found },
    };
  }
  if (report.runtimeStatus === 'Failed') {
    return { ...base, message: `its replay fails: ${report.failureReason ?? 'no reason given'}` };
  }
  return undefined;
}

/** One line per instance the build would fail, or the all-clear. */
export function describeInFlightReport(report: InFlightReport, where: string): string {
  const lines = [`Checked ${report.checked.length} in-flight instance(s) of ${where}.`];
  if (report.breaking.length === 0) {
    lines.push('None would fail with this build.');
  } else {
    lines.push(`${report.breaking.length} would fail once this build takes over:`);
    for (const f of report.breaking)
      lines.push(`  ${f.instanceId} (${f.name}, ${f.runtimeStatus}): ${f.message}`);
  }
  return lines.join('\n');
}

/** The instances of a store (any `TaskHubStore`) that have not ended, with their stored histories. */
export async function* storeInstances(
  store: Pick<TaskHubStore, 'queryInstances' | 'readHistory'>,
): AsyncIterable<InFlightInstance> {
  let continuationToken: string | undefined;
  do {
    const page = await store.queryInstances({ runtimeStatus: NOT_ENDED }, 100, continuationToken);
    for (const row of page.items) {
      if (row.instanceId.startsWith('@') || isTerminal(row.runtimeStatus)) continue;
      const stored = await store.readHistory(row.instanceId);
      if (!stored || stored.events.length === 0) continue;
      yield {
        instanceId: row.instanceId,
        name: row.name,
        runtimeStatus: row.runtimeStatus,
        history: stored.events,
      };
    }
    continuationToken = page.continuationToken;
  } while (continuationToken !== undefined);
}

export const IN_FLIGHT_STATUSES = NOT_ENDED;
