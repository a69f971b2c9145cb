/**
 * The Azure extension's start-up check (`ScheduleMonitor.CheckPastDueAsync`): from the stored
 * status, decide whether an occurrence was missed while the host was down, and whether the stored
 * status must be rewritten (first start, or the schedule changed).
 */
import { type ScheduleStatus } from './scheduleStatus';

export interface PastDueCheck {
  /** The status to keep in memory for the first invocation (`undefined` status → fresh defaults). */
  readonly status: ScheduleStatus;
  /** A status to write back before starting, if any. */
  readonly toWrite?: ScheduleStatus;
  /** Run once immediately with `isPastDue: true`. */
  readonly isPastDue: boolean;
}

export function checkPastDue(
  stored: ScheduleStatus | undefined,
  now: number,
  nextAfter: (instant: number) => number,
): PastDueCheck {
  if (stored === undefined) {
    const next = nextAfter(now);
    // The extension records `LastUpdated = now` but hands the first invocation defaults.
    return {
      status: { last: null, next, lastUpdated: null },
      toWrite: { last: null, next, lastUpdated: now },
      isPastDue: false,
    };
  }
  // `Next` was computed from `Last` (or `LastUpdated` before the first run): recompute it with
  // the current schedule to see whether the schedule changed while the host was down.
  const basis = stored.last ?? stored.lastUpdated ?? now;
  let expected = nextAfter(basis);
  let lastUpdated = basis;
  let status = stored;
  let toWrite: ScheduleStatus | undefined;
  if (stored.next !== expected) {
    // A changed schedule whose next occurrence already passed is not "missed": start afresh.
    if (now > expected) {
      expected = nextAfter(now);
      lastUpdated = now;
    }
    status = { last: null, next: expected, lastUpdated };
    toWrite = status;
  }
  return { status, toWrite, isPastDue: now > status.next };
}
