import { readEngineSettings } from '../../../../../devhost/src/durable/scheduler/settings';

describe('entity settings from host.json', () => {
  it('defaults to the extension’s 5000 operations per batch and a 30-minute reorder window', () => {
    expect(readEngineSettings({}, {})).toMatchObject({
      maxEntityOperationBatchSize: 5000,
      entityMessageReorderWindowMs: 30 * 60_000,
    });
  });

  it('reads maxEntityOperationBatchSize and entityMessageReorderWindowInMinutes', () => {
    const settings = readEngineSettings(
      { maxEntityOperationBatchSize: 50, entityMessageReorderWindowInMinutes: 0 },
      {},
    );
    expect(settings).toMatchObject({ maxEntityOperationBatchSize: 50, entityMessageReorderWindowMs: 0 });
  });

  it('refuses a batch size below one, naming the setting', () => {
    expect(() => readEngineSettings({ maxEntityOperationBatchSize: 0 }, {})).toThrow(
      /host\.json extensions\.durableTask\.maxEntityOperationBatchSize/,
    );
  });
});
