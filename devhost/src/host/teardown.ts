/**
 * The host's teardown stack: everything `startDevhost` starts pushes how to stop it, and stopping
 * runs those steps in reverse order, so the stop order is the start order backwards by
 * construction. A failing step is logged and the rest still run.
 */
import type { Logger } from '../log/logger';
import type { ShutdownContext } from '../plugins/types';

export type TeardownStep = (shutdown: ShutdownContext) => unknown;

export class TeardownStack {
  readonly #steps: { name: string; run: TeardownStep }[] = [];

  constructor(private readonly logger: Logger) {}

  /** `run` stops what was just started; `name` says what, in the log, if it fails. */
  push(name: string, run: TeardownStep): void {
    this.#steps.push({ name, run });
  }

  /** Runs every step pushed so far, last first. Steps pushed meanwhile run too. */
  async unwind(shutdown: ShutdownContext): Promise<void> {
    for (let step = this.#steps.pop(); step; step = this.#steps.pop()) {
      try {
        await step.run(shutdown);
      } catch (err) {
        this.logger.error(`Stopping ${step.name} failed: ${(err as Error).message}`, {
          stack: (err as Error).stack,
        });
      }
    }
  }
}

/**
 * Waits for `work` until `deadline` plus `graceMs` (epoch ms, real time); past that the host stops
 * without it, saying so.
 */
export async function boundedBy(
  work: Promise<unknown>,
  deadline: number,
  onLate: () => void,
  graceMs = 2_000,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), Math.max(0, deadline + graceMs - Date.now()));
  });
  try {
    if ((await Promise.race([work.then(() => 'done' as const), late])) === 'late') {
      onLate();
      work.catch(() => undefined);
    }
  } finally {
    clearTimeout(timer);
  }
}
