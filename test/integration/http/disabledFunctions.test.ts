import { startFixtureDevhost, type FixtureDevhost } from '../../support/fixtureDevhost';

describe('an HTTP function disabled by AzureWebJobs.<name>.Disabled', () => {
  let t: FixtureDevhost;
  beforeAll(async () => {
    t = await startFixtureDevhost('http-app', { appSettings: { AzureWebJobs_hello_Disabled: '1' } });
  });
  afterAll(() => t.close());

  test('answers 404 with an empty body, as on Azure, while the other functions serve', async () => {
    const res = await fetch(`${t.host.url}/api/hello`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-devhost-error')).toBe('FUNCTION_DISABLED');
    expect(await res.text()).toBe('');
    expect((await fetch(`${t.host.url}/api/items/1`)).status).toBe(200);
  });

  test('still runs for a request with the master key, even with keys not enforced', async () => {
    const res = await fetch(`${t.host.url}/api/hello`, {
      headers: { 'x-functions-key': t.host.keys.keys.masterKey },
    });
    expect(res.status).toBe(200);
    const functionKey = Object.values(t.host.keys.keys.functionKeys)[0]!;
    expect((await fetch(`${t.host.url}/api/hello?code=${functionKey}`)).status).toBe(404);
  });
});
