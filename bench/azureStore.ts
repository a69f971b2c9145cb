/**
 * The azure store under the engine: devhost in-process with `storage: 'azure'` on an in-memory
 * Azurite child, the same store settings the crash tests use (no write-behind: every checkpoint
 * is enqueue, history + instance, delete), counting storage calls per orchestration.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { durablePlugin } from '../devhost/src/durable/engine/durablePlugin';
import { createMemoryLogger } from '../devhost/src/log/logger';
import { startDevhost } from '../devhost/src/startDevhost';
import type { AzureTaskHubStore } from '../devhost/src/store/azure/azureTaskHubStore';
import { TableClient } from '@azure/data-tables';
import { isTerminal, type RuntimeStatus } from '../devhost/src/protocol/history';
import { escapePartitionKey } from '../devhost/src/store/azure/keySanitation';
import { startTestAzurite } from '../test/support/azuriteProcess';

export interface AzureScenarioResult {
  scenario: string;
  orchestrations: number;
  activitiesEach: number;
  totalMs: number;
  msPerOrchestration: number;
  callsPerOrchestration: { table: number; queue: number; blob: number; total: number };
}

const appDir = path.resolve(__dirname, '../../test/fixtures/durable-app');

export async function runAzureScenario(
  scenario: 'sequence' | 'fan-out',
  orchestrations: number,
  activitiesEach: number,
): Promise<AzureScenarioResult> {
  const azurite = await startTestAzurite();
  const stateDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'devhost-bench-'));
  const previous = process.env.AzureWebJobsStorage;
  process.env.AzureWebJobsStorage = azurite.connectionString;
  const plugin = durablePlugin({
    storage: 'azure',
    rpcPort: 0,
    settings: { maxConcurrentActivityFunctions: 20, maxConcurrentOrchestratorFunctions: 20 },
  });
  const host = await startDevhost({
    appDir,
    port: 0,
    stateDir,
    logger: createMemoryLogger(),
    banner: false,
    plugins: [plugin],
  });
  try {
    const engine = plugin.engine;
    if (!engine) throw new Error('The durable engine did not start.');
    const store = engine.store as AzureTaskHubStore;
    const before = { ...store.calls.counts };
    const started = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < orchestrations; i += 1) {
      const input =
        scenario === 'sequence' ? Array.from({ length: activitiesEach }, (_, n) => `n${n}`) : activitiesEach;
      const { instanceId } = await engine.operations.startNew({
        orchestratorName: scenario === 'sequence' ? 'Sequence' : 'FanOut',
        instanceId: `bench-${scenario}-${i}`,
        input: JSON.stringify(input),
      });
      ids.push(instanceId);
    }
    // Polled with a separate client, so the store's call counts are the engine's alone.
    const instances = TableClient.fromConnectionString(
      azurite.connectionString,
      `${store.taskHubName}Instances`,
      {
        allowInsecureConnection: true,
      },
    );
    for (const id of ids) {
      for (;;) {
        const row = await instances
          .getEntity<Record<string, unknown>>(escapePartitionKey(id), '')
          .catch(() => undefined);
        const status =
          typeof row?.RuntimeStatus === 'string' ? (row.RuntimeStatus as RuntimeStatus) : undefined;
        if (status && isTerminal(status)) {
          if (status !== 'Completed') throw new Error(`${id} ended ${status}.`);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    const totalMs = performance.now() - started;
    const per = (key: 'table' | 'queue' | 'blob') => (store.calls.counts[key] - before[key]) / orchestrations;
    const calls = { table: per('table'), queue: per('queue'), blob: per('blob'), total: 0 };
    calls.total = calls.table + calls.queue + calls.blob;
    return {
      scenario: `azure ${scenario}`,
      orchestrations,
      activitiesEach,
      totalMs,
      msPerOrchestration: totalMs / orchestrations,
      callsPerOrchestration: calls,
    };
  } finally {
    await host.stop();
    if (previous === undefined) delete process.env.AzureWebJobsStorage;
    else process.env.AzureWebJobsStorage = previous;
    await fs.promises.rm(stateDir, { recursive: true, force: true });
    await azurite.stop();
  }
}
