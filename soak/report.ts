/**
 * The soak's figures as markdown, written into docs/reliability.md between its markers, so the
 * page always shows the last run of `npm run soak`.
 */
import * as fs from 'node:fs';
import type { SoakResult } from './runSoak';

const BEGIN = '<!-- soak:begin -->';
const END = '<!-- soak:end -->';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const number = (n: number) => n.toLocaleString('en-US');

const KINDS: [string, string[]][] = [
  ['orders', ['processOrder']],
  ['batches', ['processBatch', 'processBatchChunk']],
  ['approvals', ['approvalWorkflow']],
  ['operations', ['resilientOrchestrator']],
];

export function renderSoak(result: SoakResult): string {
  const { findings, faults, queueAges, shutdown, options } = result;
  const lines: string[] = [];
  const date = result.startedAt.slice(0, 16).replace('T', ' ');
  lines.push(
    `Last run: ${date} UTC, \`npm run soak -- --orders ${options.orders} --backlog ${options.backlog} ` +
      `--batches ${options.batches} --approvals ${options.approvals} --operations ${options.operations}\`, ` +
      `${result.cpus} CPUs, load average ${result.load.start.toFixed(1)} at the start, ` +
      `${result.load.end.toFixed(1)} at the end, at most ${result.load.max.toFixed(1)}.`,
    '',
    '| work | instances | outcomes |',
    '| --- | --- | --- |',
  );
  for (const [label, names] of KINDS) {
    const outcomes = names.flatMap((name) => Object.entries(findings.outcomes[name] ?? {}));
    const total = outcomes.reduce((sum, [, n]) => sum + n, 0);
    const merged = new Map<string, number>();
    for (const [outcome, n] of outcomes) merged.set(outcome, (merged.get(outcome) ?? 0) + n);
    const text = [...merged].sort(([, a], [, b]) => b - a).map(([o, n]) => `${o} ${number(n)}`);
    lines.push(`| ${label} (${names.join(', ')}) | ${number(total)} | ${text.join(', ') || '–'} |`);
  }
  const failed = Object.entries(faults.failedInvocations)
    .sort(([, a], [, b]) => b - a)
    .map(([name, n]) => `${name} ${number(n)}`);
  const lost = result.violations.length;
  lines.push(
    '',
    '| figure | value |',
    '| --- | --- |',
    `| duration | ${seconds(result.durationMs)} for ${number(findings.instances)} instances |`,
    `| starts | ${number(result.starts.accepted)} answered 202, ${number(result.starts.existing)} found started after a lost answer, ${number(result.starts.gaveUp)} given up by their client, ${number(result.starts.failed)} failed; p99 ${seconds(result.startLatencyP99Ms)} from first try to answer |`,
    `| Cosmos throttling | ${number(faults.throttled)} requests answered 429 with \`x-ms-retry-after-ms\` (a 3 s burst at ${options.burstThrottleRate * 100} %, then ${options.throttleRate * 100} %) |`,
    `| Cosmos server crash | ${faults.cosmosRestarts} SIGKILL and restart, ${seconds(faults.cosmosDowntimeMs)} down, ${number(faults.dropped)} requests cut off |`,
    `| devhost crash | ${faults.devhostKills} SIGKILL mid-load, listening again after ${faults.devhostRestartMs.map(seconds).join(', ') || '–'} |`,
    `| invocations that threw and were retried | ${failed.join(', ') || 'none'} |`,
    `| activity outcomes by input | declined cards, out of stock, undeliverable addresses, a downstream failing 30 % of calls |`,
    `| oldest queued message, while work was posted | waited ${seconds(queueAges.byPhase.load?.maxMs ?? 0)} at most, p99 of the samples ${seconds(queueAges.byPhase.load?.p99Ms ?? 0)} |`,
    `| oldest queued message, burst and drain | waited ${seconds(queueAges.byPhase.drain?.maxMs ?? 0)} at most, p99 ${seconds(queueAges.byPhase.drain?.p99Ms ?? 0)} (bound ${options.queueAgeBoundSeconds} s); ${seconds(queueAges.maxMs)} counting the waits across devhost's restarts (${number(queueAges.samples)} samples, one a second) |`,
    shutdown
      ? `| SIGTERM with a backlog | ${number(shutdown.queuedInstances)} instances open; exit ${shutdown.exit} after ${seconds(shutdown.exitMs)} (bound ${seconds(shutdown.boundMs)}); the restart listened after ${seconds(shutdown.restartMs)} and finished them |`
      : '| SIGTERM with a backlog | not run |',
    `| orders abandoned by ReconcileOrders | ${number(findings.abandoned)} (their clients gave up) |`,
    `| charges, refunds | ${number(findings.charges)}, ${number(findings.refunds)} |`,
    `| lost or duplicated | ${lost === 0 ? '**0**: every acknowledged start ended, no order charged twice, no approval decided twice, stock adds up' : `**${lost}** (below)`} |`,
  );
  if (lost > 0) {
    lines.push('', 'What broke:', '');
    for (const v of result.violations.slice(0, 50)) lines.push(`- ${v}`);
    if (lost > 50) lines.push(`- … and ${lost - 50} more`);
  }
  return lines.join('\n');
}

/** Replaces what stands between the markers; the rest of the page is left as it is. */
export function writeBetweenMarkers(file: string, body: string): void {
  const text = fs.readFileSync(file, 'utf8');
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${file} has no ${BEGIN} … ${END} section.`);
  fs.writeFileSync(file, `${text.slice(0, start + BEGIN.length)}\n${body}\n${text.slice(end)}`);
}
