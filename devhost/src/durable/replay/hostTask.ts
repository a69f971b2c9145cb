/**
 * A synchronous stand-in for the .NET tasks the extension awaits while it re-plays the SDK's actions.
 * DTF runs orchestration continuations inline on its own scheduler, so resolving a task runs its
 * continuations before the next history event is processed; plain callbacks reproduce that order.
 */
export type TaskOutcome = { ok: true; result: string | null } | { ok: false; reason: string };

export class HostTask {
  private settled: TaskOutcome | undefined;
  /**
   * Nearly every task has one continuation (the walk's next step): it is kept in a field, and an
   * array is made only for more. A replay makes a task per action every episode.
   */
  private first: (() => void) | undefined;
  private more: (() => void)[] | undefined;

  static of(outcome: TaskOutcome): HostTask {
    const task = new HostTask();
    task.settle(outcome);
    return task;
  }

  get done(): boolean {
    return this.settled !== undefined;
  }

  get outcome(): TaskOutcome | undefined {
    return this.settled;
  }

  settle(outcome: TaskOutcome): void {
    if (this.settled !== undefined) return;
    this.settled = outcome;
    const { first, more } = this;
    this.first = undefined;
    this.more = undefined;
    first?.();
    if (more !== undefined) for (const continuation of more) continuation();
  }

  whenDone(continuation: () => void): void {
    if (this.settled !== undefined) continuation();
    else if (this.first === undefined) this.first = continuation;
    else (this.more ??= []).push(continuation);
  }
}

const OK: TaskOutcome = { ok: true, result: null };

/** `Task.WhenAll`: waits for every child, even after one failed. */
export function whenAll(children: readonly HostTask[]): HostTask {
  const all = new HostTask();
  let remaining = children.length;
  const childDone = (): void => {
    remaining -= 1;
    if (remaining > 0) return;
    const failed = children.find((child) => child.outcome?.ok === false)?.outcome;
    all.settle(failed ?? OK);
  };
  if (remaining === 0) all.settle(OK);
  for (const child of children) child.whenDone(childDone);
  return all;
}

/** `Task.WhenAny`: done as soon as one child is done, whatever its outcome. */
export function whenAny(children: readonly HostTask[]): HostTask {
  const any = new HostTask();
  for (const child of children) child.whenDone(() => any.settle(OK));
  return any;
}
