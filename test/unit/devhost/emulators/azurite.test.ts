import { azuriteArgs, azuriteConnectionString } from '../../../../devhost/src/emulators/azurite';

const ports = { blob: 1, queue: 2, table: 3 };

describe('azuriteArgs', () => {
  it('always disables telemetry and the API version check', () => {
    for (const inMemory of [true, false]) {
      const args = azuriteArgs({ host: '127.0.0.1', ports, location: '/a/.devhost/azurite', inMemory });
      expect(args).toEqual(expect.arrayContaining(['--disableTelemetry', '--skipApiVersionCheck']));
    }
  });

  it('keeps data under the location, or in memory for tests', () => {
    const onDisk = azuriteArgs({
      host: '127.0.0.1',
      ports,
      location: '/a/.devhost/azurite',
      inMemory: false,
    });
    expect(onDisk.join(' ')).toContain('--location /a/.devhost/azurite');
    expect(onDisk).not.toContain('--inMemoryPersistence');
    const inMemory = azuriteArgs({
      host: '127.0.0.1',
      ports,
      location: '/a/.devhost/azurite',
      inMemory: true,
    });
    expect(inMemory).toContain('--inMemoryPersistence');
    expect(inMemory).not.toContain('--location');
  });

  it('puts each service on its port', () => {
    const args = azuriteArgs({ host: '127.0.0.1', ports, location: 'x', inMemory: true }).join(' ');
    expect(args).toContain('--blobPort 1 --queuePort 2 --tablePort 3');
  });
});

describe('azuriteConnectionString', () => {
  it('names every endpoint explicitly so non-default ports work', () => {
    expect(azuriteConnectionString('127.0.0.1', ports)).toMatch(
      /AccountName=devstoreaccount1;.*BlobEndpoint=http:\/\/127.0.0.1:1\/devstoreaccount1;QueueEndpoint=http:\/\/127.0.0.1:2\/devstoreaccount1;TableEndpoint=http:\/\/127.0.0.1:3\/devstoreaccount1;/,
    );
  });
});
