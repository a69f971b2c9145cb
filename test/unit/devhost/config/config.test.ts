import { resolveAppSettings, resolveAppSettingsDeep } from '../../../../devhost/config/appSettings';
import { parseHostJson } from '../../../../devhost/config/hostJson';
import { applyAppSettings, parseLocalSettings } from '../../../../devhost/config/localSettings';
import { parseTimeSpan } from '../../../../devhost/config/timeSpan';

describe('TimeSpan', () => {
  test.each([
    ['00:10:00', 600_000],
    ['00:00:00.300', 300],
    ['1.02:00:00', 26 * 3_600_000],
    ['00:05', 300_000],
    ['-00:00:01', -1000],
  ])('%s is %i ms', (text, ms) => {
    expect(parseTimeSpan(text)).toBe(ms);
  });

  test.each(['10 minutes', '00:61:00', '', '1:2:3:4'])('%p is not a TimeSpan', (text) => {
    expect(parseTimeSpan(text)).toBeUndefined();
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
    const applied = applyAppSettings({ KEEP: 'from file', NEW: 'from file' }, env);
    expect(env).toEqual({ KEEP: 'from environment', NEW: 'from file' });
    expect(applied).toEqual(['NEW']);
  });
});

describe('%Setting% references', () => {
  test('are replaced from the settings', () => {
    expect(resolveAppSettings('%HUB%Hub', { HUB: 'Orders' })).toBe('OrdersHub');
    expect(resolveAppSettings('100%%', {})).toBe('100%');
  });

  test('a missing setting is an error naming it and where it was used', () => {
    expect(() => resolveAppSettings('%MISSING%', {}, 'host.json extensions.durableTask.hubName')).toThrow(
      "host.json extensions.durableTask.hubName refers to the app setting '%MISSING%', which is not set.",
    );
  });

  test('resolve inside nested JSON', () => {
    expect(resolveAppSettingsDeep({ a: ['%X%', 1], b: { c: '%X%' } }, { X: 'y' })).toEqual({
      a: ['y', 1],
      b: { c: 'y' },
    });
  });
});
