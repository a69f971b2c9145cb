import { ianaTimeZone, UTC_ZONE } from '../../../../devhost/src/timers/timeZone';

const pacific = ianaTimeZone('America/Los_Angeles');
const wall = (iso: string): number => Date.parse(`${iso}Z`);
const HOUR = 3_600_000;

describe('time zones', () => {
  it('maps an instant to its local wall time, keeping milliseconds', () => {
    expect(pacific.toWall(Date.parse('2030-01-01T20:00:00.250Z'))).toBe(wall('2030-01-01T12:00:00.250'));
    expect(UTC_ZONE.toWall(5)).toBe(5);
  });

  it('finds one instant for an ordinary local time', () => {
    expect(pacific.instantsOf(wall('2030-01-01T12:00:00'))).toEqual([Date.parse('2030-01-01T20:00:00Z')]);
  });

  it('finds two instants for a time in the repeated hour, earliest first', () => {
    expect(pacific.instantsOf(wall('2018-11-04T01:30:00'))).toEqual([
      Date.parse('2018-11-04T08:30:00Z'),
      Date.parse('2018-11-04T09:30:00Z'),
    ]);
  });

  it('finds no instant for a time in the skipped hour', () => {
    expect(pacific.instantsOf(wall('2018-03-11T02:30:00'))).toEqual([]);
  });

  it('gives repeated and skipped times the instants .NET gives a local DateTime', () => {
    // Repeated: the standard-time (later) copy. Skipped: moved forward by the gap.
    expect(pacific.dotNetInstantOf(wall('2018-11-04T01:30:00'))).toBe(Date.parse('2018-11-04T09:30:00Z'));
    expect(pacific.dotNetInstantOf(wall('2018-03-11T02:30:00'))).toBe(Date.parse('2018-03-11T10:30:00Z'));
    expect(pacific.toWall(Date.parse('2018-03-11T10:30:00Z'))).toBe(wall('2018-03-11T03:30:00'));
  });

  it('reports the offset in force at an instant', () => {
    expect(pacific.offsetAt(Date.parse('2030-01-01T00:00:00Z'))).toBe(-8 * HOUR);
    expect(pacific.offsetAt(Date.parse('2030-07-01T00:00:00Z'))).toBe(-7 * HOUR);
  });
});
