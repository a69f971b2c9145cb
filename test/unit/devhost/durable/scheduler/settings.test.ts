import { cpus } from 'node:os';
import { MissingAppSettingError } from '../../../../../devhost/src/config/appSettings';
import { readEngineSettings } from '../../../../../devhost/src/durable/scheduler/settings';

describe('readEngineSettings', () => {
  it('uses the extension defaults when host.json says nothing', () => {
    const settings = readEngineSettings(undefined, {});
    expect(settings.hubName).toBe('TestHubName');
    expect(settings.maxConcurrentActivityFunctions).toBe(10 * cpus().length);
    expect(settings.maxConcurrentOrchestratorFunctions).toBe(10 * cpus().length);
    expect(settings.controlQueueVisibilityTimeoutMs).toBe(300_000);
    expect(settings.maximumShortTimerMs).toBe(6 * 86_400_000);
  });

  it('resolves %Setting% in hubName from app settings and reads limits and timeouts', () => {
    const settings = readEngineSettings(
      {
        hubName: '%TASKHUB_NAME%',
        maxConcurrentActivityFunctions: 2,
        storageProvider: { controlQueueVisibilityTimeout: '00:01:00' },
      },
      { TASKHUB_NAME: 'OrdersHub' },
    );
    expect(settings).toMatchObject({
      hubName: 'OrdersHub',
      maxConcurrentActivityFunctions: 2,
      controlQueueVisibilityTimeoutMs: 60_000,
    });
  });

  // azure-functions-durable-extension v2.13.7: Options/DurableTaskOptions.cs
  // OverridableExistingInstanceStates (default NonRunningStates) and Options/OverridableStates.cs
  // (AnyState = 0, NonRunningStates = 1), bound by .NET configuration: names case-insensitive or numbers.
  it('reads overridableExistingInstanceStates as .NET binds the enum, defaulting to NonRunningStates', () => {
    expect(readEngineSettings(undefined, {}).overridableExistingInstanceStates).toBe('NonRunningStates');
    for (const value of ['AnyState', 'anystate', 0, '0'])
      expect(
        readEngineSettings({ overridableExistingInstanceStates: value }, {})
          .overridableExistingInstanceStates,
      ).toBe('AnyState');
    for (const value of ['NonRunningStates', 'NONRUNNINGSTATES', 1])
      expect(
        readEngineSettings({ overridableExistingInstanceStates: value }, {})
          .overridableExistingInstanceStates,
      ).toBe('NonRunningStates');
    expect(() => readEngineSettings({ overridableExistingInstanceStates: 'Sometimes' }, {})).toThrow(
      "host.json extensions.durableTask.overridableExistingInstanceStates: 'Sometimes' is not one of AnyState, NonRunningStates.",
    );
  });

  it('resolves %Setting% references with the host-wide resolver and its error', () => {
    expect(readEngineSettings({ hubName: 'Orders%STAGE%' }, { STAGE: 'Dev' }).hubName).toBe('OrdersDev');
    expect(() => readEngineSettings({ hubName: '%MISSING%' }, {})).toThrow(MissingAppSettingError);
  });

  it('names the setting at fault', () => {
    expect(() => readEngineSettings({ hubName: '%MISSING%' }, {})).toThrow(/'MISSING'.*local.settings.json/);
    expect(() => readEngineSettings({ maxConcurrentActivityFunctions: 0 }, {})).toThrow(
      /extensions\.durableTask\.maxConcurrentActivityFunctions/,
    );
    expect(() => readEngineSettings({ hubName: 'no-dashes' }, {})).toThrow(/task hub name 'no-dashes'/);
  });

  it('reads visibility timeouts as .NET TimeSpans, as the extension does', () => {
    const settings = readEngineSettings(
      {
        storageProvider: {
          controlQueueVisibilityTimeout: '1.00:00:00',
          workItemQueueVisibilityTimeout: '00:00:30.5',
        },
      },
      {},
    );
    expect(settings.controlQueueVisibilityTimeoutMs).toBe(86_400_000);
    expect(settings.workItemQueueVisibilityTimeoutMs).toBe(30_500);
  });

  it.each([['5m'], [300_000], ['00:00:00'], ['-00:05:00']])(
    'refuses %p as a visibility timeout, naming the setting',
    (value) => {
      expect(() =>
        readEngineSettings({ storageProvider: { workItemQueueVisibilityTimeout: value } }, {}),
      ).toThrow(/extensions\.durableTask\.storageProvider\.workItemQueueVisibilityTimeout/);
    },
  );

  it('falls back to the site name as the extension does', () => {
    expect(readEngineSettings({}, { WEBSITE_SITE_NAME: 'my-site-01' }).hubName).toBe('mysite01');
  });
});
