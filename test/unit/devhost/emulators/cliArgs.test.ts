import { parseEmulatorList, takeStackFlags } from '../../../../devhost/src/emulators/cliArgs';

describe('takeStackFlags', () => {
  it('takes the local-stack flags and leaves the host its own', () => {
    const { flags, rest } = takeStackFlags([
      '--port',
      '7071',
      '--emulators',
      'azurite,cosmos',
      '--cosmos-port=9000',
      '--azurite-blob-port',
      '11000',
      '--in-memory',
      '--seed',
      'dist/seed.js',
      '--outbox-container',
      'mail',
      '--watch',
    ]);
    expect(flags).toEqual({
      emulators: ['azurite', 'cosmos'],
      ports: { cosmos: '9000', blob: '11000' },
      inMemory: true,
      stopOnExit: false,
      seed: 'dist/seed.js',
      outboxContainer: 'mail',
    });
    expect(rest).toEqual(['--port', '7071', '--watch']);
  });

  it('says which flag lacks its value', () => {
    expect(() => takeStackFlags(['--cosmos-port'])).toThrow('--cosmos-port needs a value.');
  });
});

describe('parseEmulatorList', () => {
  it('accepts known names and none', () => {
    expect(parseEmulatorList('cosmos')).toEqual(['cosmos']);
    expect(parseEmulatorList('none')).toEqual([]);
  });

  it('names an unknown emulator and the valid ones', () => {
    expect(() => parseEmulatorList('azurite,mongo')).toThrow(/unknown emulator "mongo".*azurite, cosmos/);
  });
});
