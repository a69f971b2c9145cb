import {
  isDevelopmentStorage,
  isEmbeddedCosmos,
  resolvePorts,
  storageEndpoint,
} from '../../../../devhost/src/emulators/settings';

describe('resolvePorts', () => {
  it('uses the documented defaults', () => {
    expect(resolvePorts({}, {})).toEqual({ blob: 10000, queue: 10001, table: 10002, cosmos: 8081 });
  });

  it('lets variables move ports and flags win over variables', () => {
    expect(
      resolvePorts({ cosmos: '9000' }, { DEVHOST_COSMOS_PORT: '9100', DEVHOST_AZURITE_BLOB_PORT: '11000' }),
    ).toEqual({
      blob: 11000,
      queue: 10001,
      table: 10002,
      cosmos: 9000,
    });
  });

  it('names the flag or variable that holds a bad port', () => {
    expect(() => resolvePorts({ cosmos: 'abc' }, {})).toThrow(/--cosmos-port must be a port number/);
    expect(() => resolvePorts({}, { DEVHOST_AZURITE_TABLE_PORT: '70000' })).toThrow(
      /DEVHOST_AZURITE_TABLE_PORT must be/,
    );
  });

  it('refuses two services on one port', () => {
    expect(() => resolvePorts({ cosmos: '10000' }, {})).toThrow(/blob and cosmos cannot share port 10000/);
  });
});

describe('which settings mean the embedded emulators', () => {
  it('treats a missing or development-storage AzureWebJobsStorage as local Azurite', () => {
    expect(isDevelopmentStorage(undefined)).toBe(true);
    expect(isDevelopmentStorage('UseDevelopmentStorage=true')).toBe(true);
    expect(isDevelopmentStorage('usedevelopmentstorage=true;DevelopmentStorageProxyUri=http://x')).toBe(true);
    expect(isDevelopmentStorage('DefaultEndpointsProtocol=https;AccountName=prod;AccountKey=k')).toBe(false);
  });

  it('treats plain-http loopback COSMOS_ENDPOINT at the default or configured port as embedded', () => {
    expect(isEmbeddedCosmos(undefined, 8081)).toBe(true);
    expect(isEmbeddedCosmos('http://127.0.0.1:8081', 9000)).toBe(true);
    expect(isEmbeddedCosmos('http://localhost:9000/', 9000)).toBe(true);
  });

  it('treats the real Cosmos DB emulator (https) and accounts as external', () => {
    expect(isEmbeddedCosmos('https://localhost:8081/', 8081)).toBe(false);
    expect(isEmbeddedCosmos('https://acct.documents.azure.com:443/', 8081)).toBe(false);
    expect(isEmbeddedCosmos('http://10.0.0.5:8081', 8081)).toBe(false);
  });

  it('finds the blob endpoint of a storage connection string', () => {
    expect(storageEndpoint('AccountName=acct;AccountKey=k;EndpointSuffix=core.windows.net')).toBe(
      'https://acct.blob.core.windows.net',
    );
    expect(storageEndpoint('AccountName=a;BlobEndpoint=http://127.0.0.1:20000/a;')).toBe(
      'http://127.0.0.1:20000/a',
    );
  });
});
