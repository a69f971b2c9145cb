import {
  isInsecure,
  resolveConnectionString,
  StorageConnectionError,
} from '../../../../../devhost/src/store/azure/connection';
import { parseCrashSetting } from '../../../../../devhost/src/store/azure/crashPoints';

describe('AzureWebJobsStorage', () => {
  it('expands UseDevelopmentStorage=true to the local Azurite default endpoints', () => {
    const resolved = resolveConnectionString('UseDevelopmentStorage=true');
    expect(resolved).toContain('AccountName=devstoreaccount1;');
    expect(resolved).toContain('BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;');
    expect(resolved).toContain('QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;');
    expect(resolved).toContain('TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;');
    expect(isInsecure(resolved)).toBe(true);
  });

  it('honours a full connection string as it is', () => {
    const full =
      'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net';
    expect(resolveConnectionString(full)).toBe(full);
    expect(isInsecure(full)).toBe(false);
  });

  it('says what to set when the setting is missing or not a connection string', () => {
    expect(() => resolveConnectionString(undefined)).toThrow(
      /AzureWebJobsStorage.*UseDevelopmentStorage=true/,
    );
    expect(() => resolveConnectionString('hello')).toThrow(StorageConnectionError);
  });
});

describe('DEVHOST_CRASH_AT', () => {
  it('names a crash point, optionally the n-th time it is reached, and refuses others', () => {
    expect(parseCrashSetting(undefined)).toBeUndefined();
    expect(parseCrashSetting('after-history')).toEqual({ point: 'after-history', nth: 1 });
    expect(parseCrashSetting('before-delete:3')).toEqual({ point: 'before-delete', nth: 3 });
    expect(() => parseCrashSetting('sometime')).toThrow(/must be one of before-start, after-enqueue/);
  });
});
