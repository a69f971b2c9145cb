import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createDashboardAssets, DASHBOARD_CSP } from '../../../../devhost/src/http/dashboardAssets';

/** The dashboard's files from a bundle folder of the test's own, served as devhost mounts them. */
describe('the dashboard files', () => {
  let bundle: string;
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    bundle = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-bundle-'));
    fs.writeFileSync(path.join(bundle, 'index.html'), '<!doctype html><script src="app.js" defer></script>');
    fs.writeFileSync(path.join(bundle, 'app.js'), 'console.log(1);');
    fs.writeFileSync(path.join(bundle, 'app.css'), 'body {}');
    const assets = createDashboardAssets(bundle);
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      void assets(req, res, {
        url,
        origin: 'http://127.0.0.1',
        readBody: () => Promise.resolve(Buffer.alloc(0)),
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/_devhost/`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(bundle, { recursive: true, force: true });
  });

  it('answers 304 without the bytes while a file is unchanged, and a new ETag once it is rebuilt', async () => {
    const first = await fetch(`${base}app.js`);
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('console.log(1);');
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);

    const again = await fetch(`${base}app.js`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);

    fs.writeFileSync(path.join(bundle, 'app.js'), 'console.log(22);');
    const rebuilt = await fetch(`${base}app.js`, { headers: { 'if-none-match': etag! } });
    expect(rebuilt.status).toBe(200);
    expect(await rebuilt.text()).toBe('console.log(22);');
    expect(rebuilt.headers.get('etag')).not.toBe(etag);
  });

  it('gives each file its own ETag and serves the page at the folder itself', async () => {
    const page = await fetch(base);
    const script = await fetch(`${base}app.js`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('etag')).not.toBe(script.headers.get('etag'));
    const unchanged = await fetch(base, {
      headers: { 'if-none-match': `"other", ${page.headers.get('etag')!}` },
    });
    expect(unchanged.status).toBe(304);
  });
});
