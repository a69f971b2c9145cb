import { resolveAppSettings, resolveAppSettingsDeep } from '../../../../devhost/src/config/appSettings';
import { parseHostJson } from '../../../../devhost/src/config/hostJson';
import { applyAppSettings, parseLocalSettings } from '../../../../devhost/src/config/localSettings';
import { formatTimeSpan, parseTimeSpan } from '../../../../devhost/src/protocol/timeSpan';

describe('TimeSpan', () => {
  test.each([
    ['00:10:00', 600_000],
    ['00:00:00.300', 300],
    ['1.02:00:00', 26 * 3_600_000],
    ['00:05', 300_000],
    ['01:00', 3_600_000],
    ['-00:00:01', -1000],
    ['-00:01:00', -60_000],
    ['1.02:03:04', 93_784_000],
    ['00:00:01.5', 1500],
    // A number alone is days, and four parts are d:hh:mm:ss, as TimeSpan.Parse reads them.
    ['2', 172_800_000],
    ['1:02:03:04', 93_784_000],
    ['1:2:3:4', 93_784_000],
    [' 00:05:00 ', 300_000],
  ])('%p is %p ms', (text, ms) => {
    expect(parseTimeSpan(text)).toBe(ms);
  });

  test.each(['10 minutes', '00:61:00', '24:00:00', '00:00:60', '', 'abc', '1:2:3:4:5', '10675200'])(
    '%p is not a TimeSpan',
    (text) => {
      expect(parseTimeSpan(text)).toBeUndefined();
    },
  );

  test('is written with days only when there are some, as .NET does', () => {
    expect(formatTimeSpan(6 * 86_400_000)).toBe('6.00:00:00');
    expect(formatTimeSpan(90_061_000)).toBe('1.01:01:01');
    expect(formatTimeSpan(0)).toBe('00:00:00');
    expect(formatTimeSpan(1500)).toBe('00:00:01.5000000');
  });

  test('reads back what it writes', () => {
    for (const ms of [0, 1500, 300_000, 93_784_000, 6 * 86_400_000]) {
      expect(parseTimeSpan(formatTimeSpan(ms))).toBe(ms);
    }
  });

  test('is not written for negative durations', () => {
    expect(() => formatTimeSpan(-1)).toThrow(/non-negative/);
  });
});

describe('host.json', () => {
  test('defaults: api prefix and a 30-minute timeout', () => {
    expect(parseHostJson('host.json', { version: '2.0' })).toMatchObject({
      routePrefix: 'api',
      functionTimeoutMs: 30 * 60_000,
    });
  });

  test('reads functionTimeout and an empty route prefix', () => {
    const host = parseHostJson('host.json', {
      functionTimeout: '00:00:05',
      extensions: { http: { routePrefix: '' } },
    });
    expect(host).toMatchObject({ routePrefix: '', functionTimeoutMs: 5000 });
  });

  test('functionTimeout "-1" means no limit', () => {
    expect(parseHostJson('host.json', { functionTimeout: '-1' }).functionTimeoutMs).toBeUndefined();
  });

  test('a bad functionTimeout or routePrefix is an error naming the field', () => {
    expect(() => parseHostJson('host.json', { functionTimeout: 'soon' })).toThrow(/functionTimeout "soon"/);
    expect(() => parseHostJson('host.json', { extensions: { http: { routePrefix: 1 } } })).toThrow(
      /routePrefix must be a string/,
    );
    expect(() => parseHostJson('host.json', [])).toThrow(/must hold a JSON object/);
  });
});

describe('local.settings.json', () => {
  test('reads Values, the local port and CORS origins', () => {
    const settings = parseLocalSettings('local.settings.json', {
      Values: { A: 'x', N: 5 },
      Host: { LocalHttpPort: 7072, CORS: 'http://a.example, http://b.example', CORSCredentials: true },
    });
    expect(settings).toMatchObject({
      values: { A: 'x', N: '5' },
      localHttpPort: 7072,
      cors: ['http://a.example', 'http://b.example'],
      corsCredentials: true,
    });
  });

  test('an encrypted file or a non-string value is an error saying what to do', () => {
    expect(() => parseLocalSettings('l.json', { IsEncrypted: true })).toThrow(/cannot decrypt/);
    expect(() => parseLocalSettings('l.json', { Values: { A: { nested: 1 } } })).toThrow(
      /"Values.A" must be a string/,
    );
    expect(() => parseLocalSettings('l.json', { Host: { LocalHttpPort: 'x' } })).toThrow(/LocalHttpPort/);
  });

  test('values never override variables that are already set', () => {
    const env: NodeJS.ProcessEnv = { KEEP: 'from environment' };
    const remove = applyAppSettings({ KEEP: 'from file', NEW: 'from file' }, env);
    expect(env).toEqual({ KEEP: 'from environment', NEW: 'from file' });
    remove();
    expect(env).toEqual({ KEEP: 'from environment' });
  });

  test('values two hosts share go when the last of them is removed; changed ones stay', () => {
    const env: NodeJS.ProcessEnv = {};
    const removeFirst = applyAppSettings({ SHARED: 'same', CHANGED: 'file' }, env);
    const removeSecond = applyAppSettings({ SHARED: 'same' }, env);
    env.CHANGED = 'by the app';
    removeFirst();
    removeFirst();
    expect(env).toEqual({ SHARED: 'same', CHANGED: 'by the app' });
    removeSecond();
    expect(env).toEqual({ CHANGED: 'by the app' });
  });
});

describe('%Setting% references', () => {
  test('are replaced from the settings', () => {
    expect(resolveAppSettings('%HUB%Hub', { HUB: 'Orders' })).toBe('OrdersHub');
    expect(resolveAppSettings('100%%', {})).toBe('100%');
  });

  test('a missing setting is an error naming it and where it was used', () => {
    expect(() => resolveAppSettings('%MISSING%', {}, 'host.json extensions.durableTask.hubName')).toThrow(
      "host.json extensions.durableTask.hubName refers to the app setting 'MISSING', which is not set.",
    );
  });

  test('resolve inside nested JSON', () => {
    expect(resolveAppSettingsDeep({ a: ['%X%', 1], b: { c: '%X%' } }, { X: 'y' })).toEqual({
      a: ['y', 1],
      b: { c: 'y' },
    });
  });
});
