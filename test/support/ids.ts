let counter = 0;
/** Tells this run from earlier ones whose data an emulator on disk may still hold. */
const run = Date.now().toString(36).slice(-5);

/**
 * A unique id per call (instance ids, entity keys, order and customer ids), so tests that share a
 * task hub, a Cosmos database or a jest worker never collide, within a run or across runs.
 */
export function uniqueId(label: string): string {
  counter += 1;
  return `${label}-${process.pid}-${run}-${counter}`;
}
