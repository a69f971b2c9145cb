/**
 * Deterministic crash points for the recovery tests: `DEVHOST_CRASH_AT=<point>` (or `<point>:<n>`
 * for the n-th time the point is reached) makes the process kill itself there with SIGKILL, so
 * nothing after it runs, exactly as a power cut would.
 */
export const CRASH_POINTS = [
  // A client's start, before anything of the instance is written (the app's starters wrote their
  // own documents just before).
  'before-start',
  'after-enqueue',
  'after-history',
  'after-instance',
  'before-delete',
  'activity-after-side-effect',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export function parseCrashSetting(value: string | undefined): { point: CrashPoint; nth: number } | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const [point, nth] = value.trim().split(':');
  if (!CRASH_POINTS.includes(point as CrashPoint)) {
    throw new Error(
      `DEVHOST_CRASH_AT must be one of ${CRASH_POINTS.join(', ')} (optionally ':<n>'), not '${value}'.`,
    );
  }
  const count = nth === undefined ? 1 : Number(nth);
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`DEVHOST_CRASH_AT count must be a positive integer: '${value}'.`);
  return { point: point as CrashPoint, nth: count };
}

export class CrashPoints {
  private hits = 0;
  constructor(private readonly setting: { point: CrashPoint; nth: number } | undefined) {}

  reached(point: CrashPoint): void {
    if (this.setting?.point !== point) return;
    this.hits += 1;
    if (this.hits === this.setting.nth) {
      process.stderr.write(`devhost: crashing at '${point}' (DEVHOST_CRASH_AT).\n`);
      process.kill(process.pid, 'SIGKILL');
    }
  }
}
