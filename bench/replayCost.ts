/**
 * Replay cost per episode on the memory store: a 1,000-activity sequence (1,000 episodes, each
 * replaying a longer history) and a 1,000-activity fan-out (few episodes, large histories). The
 * orchestrator's own time comes from the worker's invocation log; the rest is engine and store.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { EventType } from '../devhost/src/protocol/history';
import { createMemoryLogger } from '../devhost/src/log/logger';
import { startTestHost } from '../devhost/src/testing/startTestHost';

export interface ScenarioResult {
  scenario: string;
  activities: number;
  episodes: number;
  historyEvents: number;
  totalMs: number;
  orchestratorMs: number;
  meanEpisodeMs: number;
  lastEpisodeMs: number;
}

const appDir = path.resolve(__dirname, '../../test/fixtures/durable-app');

export async function runScenario(
  scenario: 'sequence' | 'fan-out',
  activities: number,
): Promise<ScenarioResult> {
  const logger = createMemoryLogger();
  const host = await startTestHost({ appDir, logger, settings: { maxConcurrentActivityFunctions: 10 } });
  try {
    const input =
      scenario === 'sequence' ? Array.from({ length: activities }, (_, i) => `n${i}`) : activities;
    const started = performance.now();
    const id = await host.start(scenario === 'sequence' ? 'Sequence' : 'FanOut', {
      input,
      instanceId: `bench-${scenario}`,
    });
    await host.waitForStatus(id, 'Completed', { timeoutMs: 600_000 });
    const totalMs = performance.now() - started;
    const history = await host.history(id);
    const orchestratorRuns = logger.records
      .filter(
        (r) =>
          r.fields.function === (scenario === 'sequence' ? 'Sequence' : 'FanOut') &&
          typeof r.fields.durationMs === 'number',
      )
      .map((r) => r.fields.durationMs as number);
    const episodes = history.filter((e) => e.EventType === EventType.OrchestratorStarted).length;
    return {
      scenario,
      activities,
      episodes,
      historyEvents: history.length,
      totalMs,
      orchestratorMs: orchestratorRuns.reduce((a, b) => a + b, 0),
      meanEpisodeMs: totalMs / episodes,
      lastEpisodeMs: orchestratorRuns[orchestratorRuns.length - 1] ?? 0,
    };
  } finally {
    await host.stop();
  }
}
