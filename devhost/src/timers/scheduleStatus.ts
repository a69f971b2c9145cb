/**
 * A timer's schedule status (`Last`, `Next`, `LastUpdated`), its .NET date text, and its file under
 * devhost's state folder, `<stateDir>/timers/<function>.json` (`<app-dir>/.devhost` by default; the
 * Azure extension keeps the same record in a blob of the host's storage account).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { type TimeZone } from './timeZone';

/** Instants in epoch ms; `null` is .NET's `default(DateTime)` ("never"). */
export interface ScheduleStatus {
  readonly last: number | null;
  readonly next: number;
  readonly lastUpdated: number | null;
}

/** The JSON shape the worker receives and the file holds: .NET local date text with offsets. */
export interface ScheduleStatusJson {
  Last: string;
  Next: string;
  LastUpdated: string;
}

const DOTNET_DEFAULT_DATE = '0001-01-01T00:00:00';

/**
 * Formats an instant as Newtonsoft.Json writes a local `DateTime`: `yyyy-MM-ddTHH:mm:ss`, the
 * fraction only when non-zero (trailing zeros dropped), and the zone's offset (`+00:00` in UTC).
 */
export function formatDotNetDate(instant: number | null, zone: TimeZone, now: number): string {
  if (instant === null) return DOTNET_DEFAULT_DATE + formatOffset(standardOffset(zone, now));
  const wall = new Date(zone.toWall(instant));
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const ms = wall.getUTCMilliseconds();
  const fraction = ms === 0 ? '' : `.${pad(ms, 3).replace(/0+$/, '')}`;
  return (
    `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}` +
    `T${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}` +
    fraction +
    formatOffset(zone.offsetAt(instant))
  );
}

function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const minutes = Math.round(Math.abs(offsetMs) / 60_000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** .NET renders `default(DateTime)` with the zone's base (standard) offset. */
function standardOffset(zone: TimeZone, now: number): number {
  const year = new Date(now).getUTCFullYear();
  return Math.min(zone.offsetAt(Date.UTC(year, 0, 1)), zone.offsetAt(Date.UTC(year, 6, 1)));
}

function parseDotNetDate(text: string): number | null {
  if (text.startsWith('0001-01-01T00:00:00')) return null;
  const instant = Date.parse(text);
  if (Number.isNaN(instant)) throw new Error(`'${text}' is not a date`);
  return instant;
}

export function toScheduleStatusJson(
  status: ScheduleStatus,
  zone: TimeZone,
  now: number,
): ScheduleStatusJson {
  return {
    Last: formatDotNetDate(status.last, zone, now),
    Next: formatDotNetDate(status.next, zone, now),
    LastUpdated: formatDotNetDate(status.lastUpdated, zone, now),
  };
}

const statusFileSchema = z.object({ Last: z.string(), Next: z.string(), LastUpdated: z.string() });

export function fromScheduleStatusJson(json: unknown): ScheduleStatus {
  const parsed = statusFileSchema.parse(json);
  const next = parseDotNetDate(parsed.Next);
  if (next === null) throw new Error("'Next' is not set");
  return {
    last: parseDotNetDate(parsed.Last),
    next,
    lastUpdated: parseDotNetDate(parsed.LastUpdated),
  };
}

/** Where a function's status lives; names are kept apart from path syntax. */
export function statusFilePath(stateDir: string, functionName: string): string {
  const safe = functionName.replace(/[^A-Za-z0-9._-]/g, '_');
  return path.join(stateDir, 'timers', `${safe}.json`);
}

export interface ScheduleStatusStore {
  read(functionName: string): Promise<ScheduleStatus | undefined>;
  write(functionName: string, status: ScheduleStatus): Promise<void>;
}

export class UnreadableStatusError extends Error {
  constructor(file: string, cause: unknown) {
    super(
      `the schedule status in ${file} is unreadable (${cause instanceof Error ? cause.message : String(cause)}); ` +
        'it is ignored and rewritten. Delete the file to silence this warning.',
    );
    this.name = 'UnreadableStatusError';
  }
}

/** File-backed store. `onUnreadable` hears about a corrupt file, which then counts as absent. */
export function fileStatusStore(
  stateDir: string,
  zone: TimeZone,
  clockNow: () => number,
  onUnreadable: (error: UnreadableStatusError) => void,
): ScheduleStatusStore {
  return {
    async read(functionName) {
      const file = statusFilePath(stateDir, functionName);
      let text: string;
      try {
        text = await fs.readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      try {
        return fromScheduleStatusJson(JSON.parse(text));
      } catch (error) {
        onUnreadable(new UnreadableStatusError(file, error));
        return undefined;
      }
    },
    async write(functionName, status) {
      const file = statusFilePath(stateDir, functionName);
      await fs.mkdir(path.dirname(file), { recursive: true });
      // Write then rename, so a crash never leaves half a record behind.
      const temp = `${file}.${process.pid}.tmp`;
      await fs.writeFile(temp, JSON.stringify(toScheduleStatusJson(status, zone, clockNow())), 'utf8');
      await fs.rename(temp, file);
    },
  };
}
