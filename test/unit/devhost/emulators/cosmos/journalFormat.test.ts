import {
  CorruptJournalError,
  formatLine,
  parseJournal,
  type JournalLine,
} from '../../../../../devhost/src/emulators/cosmos/journalFormat';

const line = (s: number): JournalLine => ({ s, op: 'del', in: 'docs', coll: 'c', id: `d${s}`, pk: 'p' });

describe('parseJournal', () => {
  it('reads whole lines in order', () => {
    const text = formatLine(line(1)) + formatLine(line(2));
    expect(parseJournal(text, 'j')).toEqual({
      lines: [line(1), line(2)],
      validBytes: Buffer.byteLength(text),
    });
  });

  it('drops a last line torn by a crash and reports where the whole lines end', () => {
    const whole = formatLine(line(1));
    const parsed = parseJournal(`${whole}{"s":2,"op":"se`, 'j');
    expect(parsed.lines).toEqual([line(1)]);
    expect(parsed.validBytes).toBe(Buffer.byteLength(whole));
    expect(parsed.tornTail).toEqual({ line: 2, bytes: 15 });
  });

  it('keeps a last entry that is complete but lost its newline', () => {
    const text = formatLine(line(1)) + JSON.stringify(line(2));
    expect(parseJournal(text, 'j').lines).toEqual([line(1), line(2)]);
  });

  it('refuses a damaged line in the middle, naming the file and line', () => {
    const text = `${formatLine(line(1))}garbage\n${formatLine(line(3))}`;
    expect(() => parseJournal(text, '/data/journal.ndjson')).toThrow(CorruptJournalError);
    expect(() => parseJournal(text, '/data/journal.ndjson')).toThrow(/journal.ndjson line 2 .*npm run reset/);
  });

  it('reads an empty journal as no entries', () => {
    expect(parseJournal('', 'j')).toEqual({ lines: [], validBytes: 0 });
  });
});
