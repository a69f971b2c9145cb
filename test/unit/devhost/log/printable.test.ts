import { createLogger, MAX_MESSAGE_CHARS } from '../../../../devhost/src/log/logger';
import { escapeControlCharacters, printable } from '../../../../devhost/src/log/printable';

describe('values printed in the log', () => {
  it('escape ESC, BEL, CR, DEL and C1 controls, and newlines unless kept', () => {
    expect(escapeControlCharacters('a\u001b[31mb\u0007c\rd\u007fe\u009bf\ng')).toBe(
      'a\\u001b[31mb\\u0007c\\u000dd\\u007fe\\u009bf\\u000ag',
    );
    expect(escapeControlCharacters('line 1\nline 2\tx', ['\n', '\t'])).toBe('line 1\nline 2\tx');
  });

  it('are cut at a bounded length, saying how much was left out', () => {
    expect(printable('x'.repeat(30), 10)).toBe(`${'x'.repeat(10)}…(+20 chars)`);
  });

  it('reach text and JSON log lines escaped and bounded, whatever the caller passed', () => {
    const lines: string[] = [];
    const text = createLogger({ write: (line) => lines.push(line) });
    text.info(`subject: \u001b]0;pwned\u0007 ${'p'.repeat(MAX_MESSAGE_CHARS * 2)}`);
    expect(lines[0]).toContain('subject: \\u001b]0;pwned\\u0007');
    expect(lines[0]!.length).toBeLessThan(MAX_MESSAGE_CHARS + 200);
    const json = createLogger({ format: 'json', write: (line) => lines.push(line) });
    json.info('p'.repeat(MAX_MESSAGE_CHARS * 2));
    expect((JSON.parse(lines[1]!) as { msg: string }).msg.length).toBeLessThan(MAX_MESSAGE_CHARS + 50);
  });
});
