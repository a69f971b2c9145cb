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

  static key(instanceId: string, executionId: string): string {
    return `${instanceId}\n${executionId}`;
  }

  /** Removes and returns what is kept under `key` (it is kept again, if at all, with `keep`). */
  take(key: string): T | undefined {
    const entry = this.kept.get(key);
    if (entry === undefined) return undefined;
    this.kept.delete(key);
    this.keptChars -= entry.chars;
    return entry.value;
  }

  keep(key: string, value: T, chars: number): void {
    this.take(key);
    this.kept.set(key, { value, chars });
    this.keptChars += chars;
    for (const [oldest, old] of this.kept) {
      if (this.keptChars <= this.budgetChars) break;
      this.kept.delete(oldest);
      this.keptChars -= old.chars;
    }
  }

  get size(): number {
    return this.kept.size;
  }
}
