import { CliUsageError, parseCliArgs } from '../../../../../devhost/config/cliArgs';

describe('--storage (the durable plugin store)', () => {
  it('accepts memory and leaves the plugin default when absent', () => {
    expect(parseCliArgs(['start', '--storage', 'memory'])).toMatchObject({ storage: 'memory' });
    expect(parseCliArgs(['start'])).not.toHaveProperty('storage');
  });

  it('refuses another store, saying which one exists', () => {
    expect(() => parseCliArgs(['start', '--storage=azure'])).toThrow(CliUsageError);
    expect(() => parseCliArgs(['start', '--storage=azure'])).toThrow(/'memory'.*not 'azure'/);
  });
});
