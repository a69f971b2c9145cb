/** Peak resident memory of processes, from Linux's /proc (VmHWM). */
import * as fs from 'node:fs';

export interface PeakRss {
  /** This process: devhost with the benchmark's client, or the Restate service with its client. */
  mainMb: number;
  /** Processes it started, by name (Azurite, Cosmos, restate-server). */
  helpersMb: Record<string, number>;
}

/** Peak RSS in MiB; NaN when the process is gone or /proc is not there. */
export function peakRssMb(pid: number | 'self'): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return pid === 'self' ? process.resourceUsage().maxRSS / 1024 : Number.NaN;
  }
}

/** Resets a process's peak RSS to its current RSS (Linux `clear_refs` 5), so the next peak is a run's. */
export function resetPeakRss(pid: number | 'self'): void {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Not Linux, or not allowed: the peak then covers earlier runs too.
  }
}
