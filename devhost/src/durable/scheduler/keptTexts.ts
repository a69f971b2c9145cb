/**
 * Text kept between episodes, per instance and execution, within a budget of characters over all
 * of them: the least recently used go first past it. The trigger payload's history text and the
 * orchestrator reply's actions keep theirs here.
 */
export class KeptTexts<T> {
  /** By key, in order of last use. */
  private readonly kept = new Map<string, { value: T; chars: number }>();
  private keptChars = 0;

  constructor(private readonly budgetChars: number) {}

  /** Removes and returns what is kept for an execution (kept again, if at all, with `keep`). */
  take(execution: Execution): T | undefined {
    return this.remove(keyOf(execution));
  }

  keep(execution: Execution, value: T, chars: number): void {
    const key = keyOf(execution);
    this.remove(key);
    this.kept.set(key, { value, chars });
    this.keptChars += chars;
    for (const oldest of this.kept.keys()) {
      if (this.keptChars <= this.budgetChars) break;
      this.remove(oldest);
    }
  }

  private remove(key: string): T | undefined {
    const entry = this.kept.get(key);
    if (entry === undefined) return undefined;
    this.kept.delete(key);
    this.keptChars -= entry.chars;
    return entry.value;
  }
}

/** An orchestration execution, as kept texts are keyed. */
export interface Execution {
  readonly instanceId: string;
  readonly executionId: string;
}

function keyOf(execution: Execution): string {
  return `${execution.instanceId}\n${execution.executionId}`;
}
