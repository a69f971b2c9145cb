/**
 * The journal's on-disk format, without I/O: one JSON object per line, each with a sequence number
 * `s` so that lines already folded into a snapshot are skipped when a crash came between writing the
 * snapshot and truncating the journal.
 */
import type { Mutation } from './model';

export type JournalLine = Mutation & { s: number };

export interface ParsedJournal {
  lines: JournalLine[];
  /** Byte length of the part made of whole lines; anything after it is a torn last write. */
  validBytes: number;
  /** Set when the last line was cut short by a crash in the middle of a write. */
  tornTail?: { line: number; bytes: number };
}

export class CorruptJournalError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
  ) {
    super(
      `${file} line ${line} is not a journal entry. This is not a torn last write, so the file was edited or ` +
        `damaged: move the folder aside to keep it, or run \`npm run reset\` to start with empty local data.`,
    );
    this.name = 'CorruptJournalError';
  }
}

export function formatLine(line: JournalLine): string {
  return `${JSON.stringify(line)}\n`;
}

function isJournalLine(value: unknown): value is JournalLine {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.s === 'number' && (v.op === 'set' || v.op === 'del') && typeof v.in === 'string';
}

export function parseJournal(text: string, file: string): ParsedJournal {
  const lines: JournalLine[] = [];
  let offset = 0;
  let lineNo = 0;
  while (offset < text.length) {
    lineNo += 1;
    const end = text.indexOf('\n', offset);
    const complete = end !== -1;
    const raw = text.slice(offset, complete ? end : text.length);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    if (!isJournalLine(parsed)) {
      if (complete) throw new CorruptJournalError(file, lineNo);
      return {
        lines,
        validBytes: Buffer.byteLength(text.slice(0, offset)),
        tornTail: { line: lineNo, bytes: Buffer.byteLength(raw) },
      };
    }
    lines.push(parsed);
    if (!complete) {
      // The whole entry reached the disk but its newline did not: the entry is intact, keep it.
      return { lines, validBytes: Buffer.byteLength(text), tornTail: undefined };
    }
    offset = end + 1;
  }
  return { lines, validBytes: Buffer.byteLength(text) };
}
