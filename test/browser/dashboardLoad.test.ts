import * as path from 'node:path';
import { startTestHost, type TestHost } from '../../devhost/src/testing/startTestHost';
import { ensureDashboardBuilt, launchBrowser, type Browser } from './browser';

const appDir = path.resolve(__dirname, '../fixtures/durable-app');

/**
 * The dashboard with a large task hub: a list of 1,000 instances and the timeline of a history of
 * over 2,000 events. The test checks that both render completely; how fast is the benchmark's
 * business (`npm run bench -- dashboard`, bench/scenarios/dashboard.ts).
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
    await page.waitForFunction(() => document.querySelectorAll('.instance').length === 1000, undefined, {
      timeout: 60_000,
    });
    const ids = await page
      .locator('.instance')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-instance-id')));
    expect(ids).toEqual(Array.from({ length: 1000 }, (_, i) => `load-${String(i).padStart(4, '0')}`));

    await page.goto(`${host.baseUrl}/_devhost/#/instance/load-fanout`);
    await page.waitForFunction(
      () => document.querySelectorAll('.tl-row[data-kind="activity"]').length === 1000,
      undefined,
      {
        timeout: 60_000,
      },
    );
    expect(await page.locator('.tl-row[data-kind="activity"][data-state="completed"]').count()).toBe(1000);
    expect(await page.getByTestId('timeline').locator('.tl-row').last().textContent()).toContain('Completed');
    expect(browser.problems).toEqual([]);
  }, 300_000);
});
