/**
 * Query-string reading with the extension's rules (ASP.NET `NameValueCollection` plus .NET
 * `TryParse`): keys are case-insensitive, a repeated key reads as its values joined by commas, and a
 * value that does not parse counts as absent rather than as an error.
 */
import { OrchestrationStatus, type RuntimeStatus } from '../../protocol/history';

export class QueryParams {
  private readonly values = new Map<string, string[]>();

  constructor(search: string) {
    for (const [key, value] of new URLSearchParams(search)) {
      const lower = key.toLowerCase();
      const list = this.values.get(lower);
      if (list) list.push(value);
      else this.values.set(lower, [value]);
    }
  }

  /** All values joined by `,`, as `NameValueCollection[key]` returns them; undefined if absent. */
  get(name: string): string | undefined {
    return this.values.get(name.toLowerCase())?.join(',');
  }

  getAll(name: string): string[] {
    return this.values.get(name.toLowerCase()) ?? [];
  }
}

/** `bool.TryParse`: `true`/`false` in any case, surrounding whitespace allowed. */
export function parseBoolean(value: string | undefined): boolean | undefined {
  const text = value?.trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  return undefined;
}

/** `int.TryParse`: an optional sign and digits, within 32-bit range. */
export function parseInt32(value: string | undefined): number | undefined {
  const text = value?.trim();
  if (!text || !/^[+-]?\d+$/.test(text)) return undefined;
  const parsed = Number(text);
  return parsed >= -2147483648 && parsed <= 2147483647 ? parsed : undefined;
}

/** `double.TryParse` read as seconds (the `timeout` and `pollingInterval` parameters), in ms. */
export function parseSecondsAsMs(value: string | undefined): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  const seconds = Number(text);
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

const ISO_LIKE =
  /^(\d{1,4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * `DateTime.TryParse` as the extension uses it for `createdTimeFrom` and friends. ISO-like dates
 * without an offset are read as UTC, as on an Azure host (whose clock is UTC); years shorter than
 * four digits are zero-padded, as the extension does for Python clients. Other shapes (RFC 1123…)
 * go through `Date.parse`.
 */
export function parseDateTime(value: string | undefined): Date | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  const match = ISO_LIKE.exec(text);
  if (!match) {
    const parsed = Date.parse(text);
    return Number.isNaN(parsed) ? undefined : new Date(parsed);
  }
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const millis = Number((match[7] ?? '0').padEnd(3, '0').slice(0, 3));
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, millis);
  return new Date(utc.getTime() - offsetMinutes(match[8]) * 60_000);
}

function offsetMinutes(zone: string | undefined): number {
  const parts = zone === undefined ? null : /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!parts) return 0;
  const minutes = Number(parts[2]) * 60 + Number(parts[3]);
  return parts[1] === '-' ? -minutes : minutes;
}

const STATUS_NAMES = Object.keys(OrchestrationStatus).filter((key) => !/^\d+$/.test(key)) as RuntimeStatus[];

/**
 * `runtimeStatus` as `Enum.TryParse` reads each comma-separated part of every occurrence: names
 * are case-sensitive, numbers name the enum value, anything else is skipped.
 */
export function parseRuntimeStatuses(values: string[]): RuntimeStatus[] | undefined {
  const statuses: RuntimeStatus[] = [];
  for (const part of values.flatMap((value) => value.split(','))) {
    const text = part.trim();
    const name = /^\d+$/.test(text)
      ? STATUS_NAMES.find((status) => OrchestrationStatus[status] === (Number(text) as OrchestrationStatus))
      : text;
    const status = STATUS_NAMES.find((candidate) => candidate === name);
    if (status !== undefined) statuses.push(status);
  }
  return statuses.length > 0 ? statuses : undefined;
}
