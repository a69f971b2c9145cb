/**
 * Durable local Cosmos data: an append-only journal of model mutations plus an occasional snapshot.
 *
 * Appends are synchronous so the journal's order is the model's order. Replies wait for `durable()`,
 * which resolves once an fsync that covers every append so far has finished; concurrent requests
 * share one fsync (group commit). When the journal grows past a threshold it is folded into a new
 * snapshot (written, fsynced, renamed) and truncated.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatLine, parseJournal, type JournalLine } from './journalFormat';
import type { Mutation, Snapshot } from './model';

export const JOURNAL_FILE = 'journal.ndjson';
export const SNAPSHOT_FILE = 'snapshot.json';
/** Default size at which the journal is folded into the snapshot. */
export const DEFAULT_COMPACT_BYTES = 8 * 1024 * 1024;

interface SnapshotFile {
  version: 1;
  seq: number;
  account: Snapshot;
}

export interface LoadedData {
  snapshot?: Snapshot;
  /** Journal lines newer than the snapshot, in order. */
  lines: JournalLine[];
  lastSeq: number;
}

/** Reads the snapshot and journal; cuts a torn last line off the file (with a warning). */
export function loadData(dir: string, warn: (message: string) => void): LoadedData {
  fs.mkdirSync(dir, { recursive: true });
  const snapshotPath = path.join(dir, SNAPSHOT_FILE);
  let snapshotFile: SnapshotFile | undefined;
  if (fs.existsSync(snapshotPath)) {
    try {
      snapshotFile = JSON.parse(fs.readFileSync(snapshotPath, 'utf8')) as SnapshotFile;
    } catch (err) {
      throw new Error(
        `${snapshotPath} cannot be read (${String(err)}): move the folder aside to keep it, or run ` +
          '`npm run reset` to start with empty local data.',
        { cause: err },
      );
    }
  }
  const journalPath = path.join(dir, JOURNAL_FILE);
  const text = fs.existsSync(journalPath) ? fs.readFileSync(journalPath, 'utf8') : '';
  const parsed = parseJournal(text, journalPath);
  if (parsed.tornTail) {
    warn(
      `${journalPath}: the last entry (line ${parsed.tornTail.line}, ${parsed.tornTail.bytes} bytes) was cut ` +
        `short by a crash during its write and is dropped; the ${parsed.lines.length} entries before it are replayed. ` +
        'A write is acknowledged only after its entry is on disk, so no acknowledged write is lost.',
    );
    fs.truncateSync(journalPath, parsed.validBytes);
  } else if (text.length > 0 && !text.endsWith('\n')) {
    fs.appendFileSync(journalPath, '\n');
  }
  const since = snapshotFile?.seq ?? 0;
  const lines = parsed.lines.filter((line) => line.s > since);
  const lastSeq = parsed.lines.reduce((max, line) => Math.max(max, line.s), since);
  return { snapshot: snapshotFile?.account, lines, lastSeq };
}

interface Waiter {
  target: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

export interface JournalOptions {
  dir: string;
  lastSeq: number;
  compactBytes?: number;
  /** Returns the model's whole state, for compaction. */
  snapshot: () => Snapshot;
  log: (message: string) => void;
}

export class JournalWriter {
  private readonly fd: number;
  private readonly journalPath: string;
  private readonly compactBytes: number;
  private seq: number;
  private size: number;
  private appended = 0;
  private synced = 0;
  private syncing = false;
  private failure: Error | undefined;
  private waiters: Waiter[] = [];

  constructor(private readonly options: JournalOptions) {
    this.journalPath = path.join(options.dir, JOURNAL_FILE);
    this.fd = fs.openSync(this.journalPath, 'a');
    this.size = fs.fstatSync(this.fd).size;
    // A new journal file must survive a power cut too, not only its contents.
    if (this.size === 0) fsyncDir(options.dir);
    this.seq = options.lastSeq;
    this.compactBytes = options.compactBytes ?? DEFAULT_COMPACT_BYTES;
  }

  /** Bytes in the journal file now (compaction resets it). */
  get bytes(): number {
    return this.size;
  }

  append(mutation: Mutation): void {
    if (this.failure) return;
    this.seq += 1;
    const line = formatLine({ ...mutation, s: this.seq });
    try {
      fs.writeSync(this.fd, line);
    } catch (err) {
      this.fail(err);
      return;
    }
    this.size += Buffer.byteLength(line);
    this.appended += 1;
  }

  /** Resolves when everything appended so far is on disk. */
  durable(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.synced >= this.appended) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ target: this.appended, resolve, reject });
      this.kick();
    });
  }

  /** Folds the journal into a new snapshot now, whatever its size. */
  compact(): void {
    const dir = this.options.dir;
    const snapshotPath = path.join(dir, SNAPSHOT_FILE);
    const tmp = `${snapshotPath}.tmp`;
    const file: SnapshotFile = { version: 1, seq: this.seq, account: this.options.snapshot() };
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, JSON.stringify(file));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, snapshotPath);
    fsyncDir(dir);
    // A crash from here until the truncate is safe: replay skips lines the snapshot already holds.
    fs.ftruncateSync(this.fd);
    fs.fsyncSync(this.fd);
    this.size = 0;
    this.synced = this.appended;
    this.options.log(`compacted the Cosmos journal into ${snapshotPath}`);
  }

  close(): void {
    try {
      if (!this.failure) fs.fsyncSync(this.fd);
    } finally {
      fs.closeSync(this.fd);
    }
  }

  private fail(err: unknown): void {
    this.failure = new Error(
      `writing ${this.journalPath} failed (${String(err)}): local Cosmos writes from now on will not survive a restart`,
    );
    this.options.log(this.failure.message);
    for (const waiter of this.waiters.splice(0)) waiter.reject(this.failure);
  }

  private kick(): void {
    if (this.syncing) return;
    this.syncing = true;
    const target = this.appended;
    fs.fsync(this.fd, (err) => {
      this.syncing = false;
      if (err) {
        this.fail(err);
        return;
      }
      this.synced = Math.max(this.synced, target);
      if (this.size > this.compactBytes) {
        try {
          this.compact();
        } catch (compactErr) {
          // The journal itself is intact and synced: keep going, and say why it keeps growing.
          this.options.log(`compacting the Cosmos journal failed: ${String(compactErr)}`);
        }
      }
      const pending: Waiter[] = [];
      for (const waiter of this.waiters) {
        if (waiter.target <= this.synced) waiter.resolve();
        else pending.push(waiter);
      }
      this.waiters = pending;
      if (pending.length > 0) this.kick();
    });
  }
}

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
