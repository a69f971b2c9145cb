/**
 * One clock for all durable time: timers, retry delays, visibility timeouts, timestamps and timer
 * triggers all read it. Real by default; tests use a virtual clock they advance.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Runs `callback` once the clock reaches `at` (epoch ms); immediately (on a later tick) if it
   * already has. Returns a function that cancels the callback.
   */
  schedule(at: number, callback: () => void): () => void;
}
