import { approvalBaseUrl, parseConfig, publicBaseUrl } from '../../../src/config';

const base = { COSMOS_ENDPOINT: 'http://127.0.0.1:8081', COSMOS_DATABASE: 'orders', COSMOS_KEY: 'k' };

describe('app settings', () => {
  it('parses settings with defaults', () => {
    const config = parseConfig(base);
    expect(config.COSMOS_AUTH).toBe('key');
    expect(config.APPROVAL_TIMEOUT_SECONDS).toBe(86_400);
  });

  it('names a missing setting', () => {
    expect(() => parseConfig({ COSMOS_ENDPOINT: 'http://x:1', COSMOS_KEY: 'k' })).toThrow(
      /COSMOS_DATABASE is missing/,
    );
  });

  it('requires a key only for key authentication', () => {
    const { COSMOS_KEY: _k, ...withoutKey } = base;
    expect(() => parseConfig(withoutKey)).toThrow(/COSMOS_KEY/);
    expect(parseConfig({ ...withoutKey, COSMOS_AUTH: 'managedIdentity' }).COSMOS_AUTH).toBe(
      'managedIdentity',
    );
  });

  it('builds approval links from the host the app is served on', () => {
    expect(approvalBaseUrl(parseConfig({ ...base, WEBSITE_HOSTNAME: 'localhost:7071' }))).toBe(
      'http://localhost:7071',
    );
    expect(approvalBaseUrl(parseConfig({ ...base, WEBSITE_HOSTNAME: 'app.azurewebsites.net' }))).toBe(
      'https://app.azurewebsites.net',
    );
  });

  it('builds client links from PUBLIC_BASE_URL, else from the platform host name', () => {
    const hosted = { ...base, WEBSITE_HOSTNAME: 'app.azurewebsites.net' };
    expect(publicBaseUrl(parseConfig(hosted))).toBe('https://app.azurewebsites.net');
    const custom = parseConfig({ ...hosted, PUBLIC_BASE_URL: 'https://orders.example.com/' });
    expect(publicBaseUrl(custom)).toBe('https://orders.example.com');
    expect(approvalBaseUrl(custom)).toBe('https://orders.example.com');
    expect(() => parseConfig({ ...base, PUBLIC_BASE_URL: 'not a url' })).toThrow(/PUBLIC_BASE_URL/);
  });
});
