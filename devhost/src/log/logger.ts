/**
 * devhost's log sink: readable lines for people, one JSON object per line for machines
 * (`--log json`). Every module logs through a Logger so tests can capture lines.
 */
import { bounded, escapeControlCharacters } from './printable';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface LogRecord {
  level: LogLevel;
  message: string;
  fields: LogFields;
  time: Date;
}

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every record (e.g. a plugin's name). */
  child(fields: LogFields): Logger;
}

export type LogFormat = 'text' | 'json';

export interface LoggerOptions {
  format?: LogFormat;
  /** Records below this level are dropped. Default `info`. */
  level?: LogLevel;
  /** Where lines go; default stdout (errors and warnings to stderr). */
  write?: (line: string, record: LogRecord) => void;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
/** No record's message is longer (app log lines and errors included). */
export const MAX_MESSAGE_CHARS = 16_384;

export function createLogger(options: LoggerOptions = {}): Logger {
  const format = options.format ?? 'text';
  const minimum = order[options.level ?? 'info'];
  const write = options.write ?? defaultWrite;
  const make = (bound: LogFields): Logger => {
    const emit = (level: LogLevel, message: string, fields: LogFields = {}): void => {
      if (order[level] < minimum) return;
      const record: LogRecord = { level, message, fields: { ...bound, ...fields }, time: new Date() };
      write(format === 'json' ? formatJson(record) : formatText(record), record);
    };
    return {
      debug: (m, f) => emit('debug', m, f),
      info: (m, f) => emit('info', m, f),
      warn: (m, f) => emit('warn', m, f),
      error: (m, f) => emit('error', m, f),
      child: (fields) => make({ ...bound, ...fields }),
    };
  };
  return make({});
}

/** A logger that keeps records in memory (tests) and optionally forwards them. */
export function createMemoryLogger(): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const logger = createLogger({ level: 'debug', write: (_line, record) => records.push(record) });
  return Object.assign(logger, { records });
}

function defaultWrite(line: string, record: LogRecord): void {
  if (record.level === 'error' || record.level === 'warn') process.stderr.write(line + '\n');
  else process.stdout.write(line + '\n');
}

function formatJson(record: LogRecord): string {
  const { stack, ...rest } = record.fields;
  return JSON.stringify({
    time: record.time.toISOString(),
    level: record.level,
    msg: bounded(record.message, MAX_MESSAGE_CHARS),
    ...rest,
    ...(stack === undefined ? {} : { stack }),
  });
}

function formatText(record: LogRecord): string {
  const time = record.time.toISOString().slice(11, 23);
  const source = typeof record.fields.source === 'string' ? ` [${record.fields.source}]` : '';
  const stack = typeof record.fields.stack === 'string' ? `\n${indent(record.fields.stack)}` : '';
  // Line breaks and tabs stay (multi-line banners); every other control character is shown escaped.
  const message = escapeControlCharacters(bounded(record.message, MAX_MESSAGE_CHARS), ['\n', '\t']);
  return `[${time}]${source} ${message}${stack}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
