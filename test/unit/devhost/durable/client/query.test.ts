import {
  parseBoolean,
  parseDateTime,
  parseInt32,
  parseRuntimeStatuses,
  parseSecondsAsMs,
  QueryParams,
} from '../../../../../devhost/src/durable/client/query';

describe('QueryParams', () => {
  it('reads keys case-insensitively and joins repeated values with commas', () => {
    const query = new QueryParams(
      'showHistory=true&RuntimeStatus=Running&runtimestatus=Failed,Pending&reason=a+b%20c',
    );
    expect(query.get('SHOWHISTORY')).toBe('true');
    expect(query.get('runtimeStatus')).toBe('Running,Failed,Pending');
    expect(query.getAll('runtimeStatus')).toEqual(['Running', 'Failed,Pending']);
    expect(query.get('reason')).toBe('a b c');
    expect(query.get('missing')).toBeUndefined();
  });
});

describe('query value parsing', () => {
  it('reads booleans as bool.TryParse does', () => {
    expect(parseBoolean(' TRUE ')).toBe(true);
    expect(parseBoolean('False')).toBe(false);
    expect(parseBoolean('1')).toBeUndefined();
    expect(parseBoolean('true,false')).toBeUndefined();
  });

  it('reads 32-bit integers only', () => {
    expect(parseInt32('+42')).toBe(42);
    expect(parseInt32('1.5')).toBeUndefined();
    expect(parseInt32('2147483648')).toBeUndefined();
  });

  it('reads seconds, fractions included, as milliseconds', () => {
    expect(parseSecondsAsMs('1.5')).toBe(1500);
    expect(parseSecondsAsMs('x')).toBeUndefined();
    expect(parseSecondsAsMs('')).toBeUndefined();
  });

  it.each([
    ['2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z'],
    ['2024-01-01', '2024-01-01T00:00:00.000Z'],
    ['2024-01-01 10:20:30', '2024-01-01T10:20:30.000Z'],
    ['2024-01-01T10:20:30.1234567+02:00', '2024-01-01T08:20:30.123Z'],
    ['999-01-01T00:00:00Z', '0999-01-01T00:00:00.000Z'],
    ['Mon, 01 Jan 2024 00:00:00 GMT', '2024-01-01T00:00:00.000Z'],
  ])('reads the date %s as %s (no offset means UTC)', (text, iso) => {
    expect(parseDateTime(text)?.toISOString()).toBe(iso);
  });

  it.each(['2024-02-30', '2024-13-01', 'yesterday', ''])('treats %p as no date', (text) => {
    expect(parseDateTime(text)).toBeUndefined();
  });

  it('reads runtime statuses by case-sensitive name or number, skipping the rest', () => {
    expect(parseRuntimeStatuses(['Running, Pending', 'running', '3', 'Bogus'])).toEqual([
      'Running',
      'Pending',
      'Failed',
    ]);
    expect(parseRuntimeStatuses(['nothing'])).toBeUndefined();
  });
});
