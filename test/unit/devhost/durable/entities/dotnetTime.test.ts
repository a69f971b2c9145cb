import {
  formatTicks,
  MIN_TICKS,
  parseTicks,
  ticksFromMs,
} from '../../../../../devhost/src/protocol/dotnetTime';

describe('.NET DateTime text for sorter labels', () => {
  it('writes UTC times as Newtonsoft does: trailing fraction zeros trimmed, Z suffix', () => {
    const at = ticksFromMs(Date.parse('2030-01-01T00:00:00Z'));
    expect(formatTicks(at)).toBe('2030-01-01T00:00:00Z');
    expect(formatTicks(at + 1n)).toBe('2030-01-01T00:00:00.0000001Z');
    expect(formatTicks(at + 1_230_000n)).toBe('2030-01-01T00:00:00.123Z');
  });

  it('writes DateTime.MinValue without a zone, and reads it back', () => {
    expect(formatTicks(MIN_TICKS)).toBe('0001-01-01T00:00:00');
    expect(parseTicks('0001-01-01T00:00:00')).toBe(MIN_TICKS);
  });

  it('reads seven fraction digits exactly and refuses text that is not a time', () => {
    const text = '2030-05-06T07:08:09.1234567Z';
    expect(formatTicks(parseTicks(text)!)).toBe(text);
    expect(parseTicks('yesterday')).toBeUndefined();
  });
});
