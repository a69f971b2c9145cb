/**
 * `npm run bench`: runs the scenarios and writes docs/benchmarks.md with the machine and command.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runAzureScenario, type AzureScenarioResult } from './azureStore';
import { runScenario, type ScenarioResult } from './replayCost';

async function main(): Promise<void> {
  const loadAtStart = os.loadavg()[0]?.toFixed(1) ?? 'n/a';
  const results: ScenarioResult[] = [];
  for (const scenario of ['sequence', 'fan-out'] as const) {
    const result = await runScenario(scenario, 1000);
    results.push(result);
    console.log(
      `${scenario}: ${result.episodes} episodes, ${result.totalMs.toFixed(0)} ms total, ` +
        `${result.meanEpisodeMs.toFixed(2)} ms/episode`,
    );
  }
  const azure: AzureScenarioResult[] = [];
  for (const [scenario, orchestrations, activities] of [
    ['sequence', 20, 10],
    ['fan-out', 1, 1000],
  ] as const) {
    const result = await runAzureScenario(scenario, orchestrations, activities);
    azure.push(result);
    console.log(
      `${result.scenario}: ${result.totalMs.toFixed(0)} ms, ` +
        `${result.callsPerOrchestration.total.toFixed(1)} storage calls per orchestration`,
    );
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const rows = results.map(
    (r) =>
      `| ${r.scenario} | ${r.activities} | ${r.episodes} | ${r.historyEvents} | ${r.totalMs.toFixed(0)} | ` +
      `${r.orchestratorMs.toFixed(0)} | ${r.meanEpisodeMs.toFixed(2)} | ${r.lastEpisodeMs.toFixed(2)} |`,
  );
  const doc = [
    '# Benchmarks',
    '',
    'Durable engine replay cost on the memory store, virtual clock, the real `durable-functions` SDK',
    "driven through devhost's worker seam (`bench/replayCost.ts`, fixture app `test/fixtures/durable-app`).",
    '',
    `Command: \`npm run bench\` · Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ` +
      `Node ${process.version}, ${os.platform()} ${os.release()} · Load average at start: ${loadAtStart} · ` +
      `Run: ${new Date().toISOString()}`,
    '',
    'Numbers move with the load of the machine: compare runs made under similar load.',
    '',
    '| scenario | activities | episodes | history events | total ms | orchestrator ms | ms / episode | last episode ms |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    '`orchestrator ms` is the time spent inside the orchestrator function (the SDK replaying the history),',
    'summed over all episodes; the rest of `total ms` is the engine (replay core, store, activities).',
    'A sequence replays its whole history every episode, so its cost per episode grows with its length:',
    'the last episode shows the cost at 1,000 completed activities.',
    '',
    '## Azure Storage task hub',
    '',
    'The same engine on the azure store (`bench/azureStore.ts`): devhost in-process with',
    '`storage: azure` on an in-memory Azurite child, real clock, the durability the crash tests use',
    '(every checkpoint enqueues, writes history and the instance row, then deletes; no write-behind).',
    'Storage calls are every table, queue and blob request the store made, divided by the orchestrations',
    '(status polling uses a separate client and is not counted). Per activity in a sequence: one episode',
    '(read row + history, write history + row) and four queue calls (send and delete the activity, send',
    'and delete its result). Azurite serves every call from one Node process on the same two cores, and',
    'its table writes dominate the time, so totals vary between runs (up to 2x).',
    '',
    '| scenario | orchestrations | activities each | total ms | ms / orchestration | table | queue | blob | calls / orchestration |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...azure.map(
      (r) =>
        `| ${r.scenario} | ${r.orchestrations} | ${r.activitiesEach} | ${r.totalMs.toFixed(0)} | ` +
        `${r.msPerOrchestration.toFixed(0)} | ${r.callsPerOrchestration.table.toFixed(1)} | ` +
        `${r.callsPerOrchestration.queue.toFixed(1)} | ${r.callsPerOrchestration.blob.toFixed(1)} | ` +
        `${r.callsPerOrchestration.total.toFixed(1)} |`,
    ),
    '',
  ].join('\n');
  const target = path.resolve(__dirname, '../../docs/benchmarks.md');
  fs.writeFileSync(target, doc);
  console.log(`Wrote ${target}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
