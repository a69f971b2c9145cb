/**
 * The host's readiness, as the public server's first step sees it (the Functions host's
 * `HostAvailabilityCheckMiddleware`): nothing reaches the app or a plugin's paths until the app is
 * loaded and every plugin has started. A request that arrives earlier is held until then, for a
 * bounded time, and then answered 503 with `Retry-After`; once the host stops, at once. The server
 * also counts the requests it let through, so a shutdown can wait for them.
 */
import { httpErrors, type HttpErrorSpec } from './errors';

export type HostState = 'starting' | 'running' | 'stopping';

/** How long a request waits for a starting host by default (Azure waits 30 s; see docs/differences.md). */
const defaultReadyHoldMs = 5_000;

export class Readiness {
  #state: HostState = 'starting';
  #waiters = new Set<() => void>();
  #inFlight = 0;
  #idleWaiters = new Set<() => void>();

  constructor(private readonly holdMs: number = defaultReadyHoldMs) {}

  get state(): HostState {
    return this.#state;
  }

  /** The app is loaded and every plugin has started: requests pass from now on. */
  markRunning(): void {
    if (this.#state === 'starting') this.#set('running');
  }

  /** The host is shutting down: requests are refused at once from now on. */
  markStopping(): void {
    this.#set('stopping');
  }

  /**
   * Resolves when a request may pass (undefined), or with the error to answer: the host is still
   * starting after the hold time, or it is stopping.
   */
  async admit(): Promise<HttpErrorSpec | undefined> {
    if (this.#state === 'starting' && this.holdMs > 0) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.#waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, this.holdMs);
        this.#waiters.add(done);
      });
    }
    switch (this.#state) {
      case 'running':
        return undefined;
      case 'starting':
        return httpErrors.hostStarting;
      case 'stopping':
        return httpErrors.hostStopping;
    }
  }

  /** Counts a request that passed until `done` is called. */
  begin(): () => void {
    this.#inFlight += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#inFlight -= 1;
      if (this.#inFlight === 0) for (const resolve of [...this.#idleWaiters]) resolve();
    };
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Resolves when no admitted request is running, or at `deadline` (epoch ms), whichever is first. */
  async whenIdle(deadline: number): Promise<boolean> {
    if (this.#inFlight === 0) return true;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#idleWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
      this.#idleWaiters.add(done);
    });
    return this.#inFlight === 0;
  }

  #set(state: HostState): void {
    this.#state = state;
    for (const release of [...this.#waiters]) release();
  }
}
