import { CliUsageError, parseCliArgs } from '../../../../../devhost/src/config/cliArgs';

describe('--storage (the durable plugin store)', () => {
  it('accepts memory and azure and leaves the plugin default when absent', () => {
    expect(parseCliArgs(['start', '--storage', 'memory'])).toMatchObject({ storage: 'memory' });
    expect(parseCliArgs(['start', '--storage', 'azure'])).toMatchObject({ storage: 'azure' });
    expect(parseCliArgs(['start'])).not.toHaveProperty('storage');
  });

  it('refuses another store, saying which ones exist', () => {
    expect(() => parseCliArgs(['start', '--storage=cosmos'])).toThrow(CliUsageError);
    expect(() => parseCliArgs(['start', '--storage=cosmos'])).toThrow(/'memory' or 'azure', not 'cosmos'/);
  });
});
