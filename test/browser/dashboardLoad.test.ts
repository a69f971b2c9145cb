import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startTestHost, type TestHost } from '../../devhost/src/testing/startTestHost';
import { ensureDashboardBuilt, launchBrowser, type Browser } from './browser';

const appDir = path.resolve(__dirname, '../fixtures/durable-app');
const benchmarks = path.resolve(__dirname, '../../docs/benchmarks.md');

/**
 * The dashboard with a large task hub: a list of 1,000 instances and the timeline of a history of
 * over 2,000 events. The test checks that both render completely; the times (from navigation to
 * the last row on screen) go into docs/benchmarks.md under "Dashboard", not into assertions.
 */
describe('the dashboard under load', () => {
  let host: TestHost;
  let browser: Browser;

  beforeAll(async () => {
    ensureDashboardBuilt();
    host = await startTestHost({ appDir, startAt: '2030-01-01T00:00:00Z' });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('renders 1,000 instances in the list and a 2,000-event history as a timeline', async () => {
    for (let i = 0; i < 1000; i++)
      await host.start('WaitForEvent', { instanceId: `load-${String(i).padStart(4, '0')}` });
    const fanOut = await host.start('FanOut', { instanceId: 'load-fanout', input: 1000 });
    await host.waitForStatus(fanOut, 'Completed', { timeoutMs: 120_000 });
    await host.runUntilIdle();
    const events = (await host.history(fanOut)).length;
    expect(events).toBeGreaterThanOrEqual(2000);

    const { page } = browser;
    await page.goto(`${host.baseUrl}/_devhost/#/?name=WaitForEvent&top=1000`);
    await page.waitForFunction(() => document.querySelectorAll('tr.instance').length === 1000, undefined, {
      timeout: 60_000,
    });
    const listMs = await page.evaluate(() => performance.now());
    expect(await page.locator('tr.instance').first().getAttribute('data-instance-id')).toBe('load-0000');
    expect(await page.locator('tr.instance').last().getAttribute('data-instance-id')).toBe('load-0999');

    // A fresh document, so the time counts from this navigation and not the list's.
    await page.goto('about:blank');
    await page.goto(`${host.baseUrl}/_devhost/#/instance/load-fanout`);
    await page.waitForFunction(
      () => document.querySelectorAll('.tl-row[data-kind="activity"]').length === 1000,
      undefined,
      {
        timeout: 60_000,
      },
    );
    const timelineMs = await page.evaluate(() => performance.now());
    expect(await page.locator('.tl-row[data-kind="activity"][data-state="completed"]').count()).toBe(1000);
    expect(browser.problems).toEqual([]);

    writeDashboardSection({ listMs, timelineMs, events });
  }, 300_000);
});

function writeDashboardSection(figures: { listMs: number; timelineMs: number; events: number }): void {
  const cpus = os.cpus();
  const section = [
    '## Dashboard',
    '',
    'Headless Chromium (Debian) on the dashboard at `/_devhost/`, devhost in-process with the memory',
    'store (`test/browser/dashboardLoad.test.ts`, fixture app `test/fixtures/durable-app`); time from',
    'navigation start to the last row in the page: loading the page and its bundle, the API calls and',
    'rendering. The test checks that everything renders; these figures are not asserted.',
    '',
    `Machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'}, Node ${process.version} · Load average at run: ${os.loadavg()[0]!.toFixed(1)} · Run: ${new Date().toISOString()}`,
    '',
    '| view | rows | ms |',
    '| --- | --- | --- |',
    `| instance list, 1,000 instances on one page | 1000 | ${figures.listMs.toFixed(0)} |`,
    `| timeline of a fan-out of 1,000 activities (${figures.events} history events) | 1000 | ${figures.timelineMs.toFixed(0)} |`,
    '',
  ].join('\n');
  const text = fs.existsSync(benchmarks) ? fs.readFileSync(benchmarks, 'utf8') : '# Benchmarks\n';
  const start = text.indexOf('\n## Dashboard\n');
  let updated: string;
  if (start < 0) {
    updated = `${text.replace(/\n*$/, '\n')}\n${section}`;
  } else {
    const next = text.indexOf('\n## ', start + 1);
    updated = `${text.slice(0, start + 1)}${section}${next < 0 ? '' : text.slice(next)}`;
  }
  fs.writeFileSync(benchmarks, updated);
}
