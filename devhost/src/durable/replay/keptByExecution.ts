/**
 * Values kept between episodes, per instance and execution, within a budget of weight over all of
 * them: the least recently used go first past it. The trigger payload's history text and the
 * orchestrator reply's actions (weighed in characters) and the executions' replays (one each) are
 * kept here.
 */
export class KeptByExecution<T> {
  /** By key, in order of last use. */
  private readonly kept = new Map<string, { value: T; weight: number }>();
  private keptWeight = 0;

  constructor(private readonly budget: number) {}

  get size(): number {
    return this.kept.size;
  }

  /** Removes and returns what is kept for an execution (kept again, if at all, with `keep`). */
  take(execution: Execution): T | undefined {
    return this.remove(keyOf(execution));
  }

  keep(execution: Execution, value: T, weight: number): void {
    const key = keyOf(execution);
    this.remove(key);
    this.kept.set(key, { value, weight });
    this.keptWeight += weight;
    for (const oldest of this.kept.keys()) {
      if (this.keptWeight <= this.budget) break;
      this.remove(oldest);
    }
  }

  private remove(key: string): T | undefined {
    const entry = this.kept.get(key);
    if (entry === undefined) return undefined;
    this.kept.delete(key);
    this.keptWeight -= entry.weight;
    return entry.value;
  }
}

/** An orchestration execution, as kept values are keyed. */
export interface Execution {
  readonly instanceId: string;
  readonly executionId: string;
}

function keyOf(execution: Execution): string {
  return `${execution.instanceId}\n${execution.executionId}`;
}
