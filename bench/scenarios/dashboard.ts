/**
 * The devhost dashboard in headless Chromium: the instance list with 1,000 instances on one page,
 * and the timeline of a fan-out of 1,000 activities (over 2,000 history events). Each load is a
 * fresh browser context (nothing cached), timed from navigation start until the view's last row is
 * in the document: the page and its bundle, the API calls, rendering. The frame after that (rows
 * on screen laid out and painted) is in the notes.
 */
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../browser';
import { inPool } from '../http';
import type { DevhostTarget } from '../targets/devhost';
import type { Measured, RunControl, Scenario } from './types';

let counter = 0;

/** When, from navigation start (ms), the script, the view's data and the last row were there. */
interface Load {
  ms: number;
  /** The frame after the last row was done (laid out and painted). */
  paintedMs: number;
  scriptMs: number;
  dataMs: number;
  done: boolean;
}

interface View {
  url: string;
  /** The path of the API call that brings the rows (its answer's arrival is reported). */
  data: string;
  /** The view's rows: the last one is there once the document holds `expected` of them. */
  rows: string;
  expected: number;
  /** After the load: throws unless every row is there and right. */
  check: (page: Page) => Promise<void>;
}

/**
 * Runs in the page before its own script: notes when the document first holds `expected` rows
 * (a mutation observer sees every insertion), and when the frame after that was done.
 */
function watchRows([rows, expected]: readonly [string, number]): void {
  const seen = window as unknown as { lastRowAt?: number; paintedAt?: number };
  new MutationObserver((_, observer) => {
    if (document.querySelectorAll(rows).length < expected) return;
    seen.lastRowAt = performance.now();
    observer.disconnect();
    requestAnimationFrame(() => {
      // The task after the frame's callbacks runs once the frame is laid out and painted.
      const channel = new MessageChannel();
      channel.port1.onmessage = () => (seen.paintedAt = performance.now());
      channel.port2.postMessage(undefined);
    });
  }).observe(document, { childList: true, subtree: true });
}

async function loadOnce(browser: Browser, url: string, view: View, limitMs: number): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.addInitScript(watchRows, [view.rows, view.expected] as const);
    await page.goto(`${url}${view.url}`, { waitUntil: 'commit' });
    const done = await page
      .waitForFunction(() => (window as { paintedAt?: number }).paintedAt !== undefined, undefined, {
        timeout: limitMs,
      })
      .then(
        () => true,
        () => false,
      );
    const timing = await page.evaluate((data) => {
      const seen = window as unknown as { lastRowAt?: number; paintedAt?: number };
      const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const end = (match: (name: string) => boolean) =>
        Math.max(0, ...resources.filter((r) => match(new URL(r.name).pathname)).map((r) => r.responseEnd));
      return {
        now: performance.now(),
        lastRowAt: seen.lastRowAt,
        paintedAt: seen.paintedAt,
        scriptMs: end((path) => path.endsWith('/app.js')),
        dataMs: end((path) => path.startsWith(data)),
      };
    }, view.data);
    if (errors.length > 0) throw new Error(`The dashboard failed in the browser: ${errors.join('; ')}`);
    if (done) await view.check(page);
    return {
      ms: timing.lastRowAt ?? timing.now,
      paintedMs: timing.paintedAt ?? timing.now,
      scriptMs: timing.scriptMs,
      dataMs: timing.dataMs,
      done,
    };
  } finally {
    await context.close();
  }
}

function figure(key: string, loads: Load[]): Measured {
  const sorted = [...loads].sort((a, b) => a.ms - b.ms);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  const ms = (n: number) => `${Math.round(n).toLocaleString('en-US')} ms`;
  const spreadNote =
    loads.length > 1
      ? `${loads.length} loads, ${ms(sorted[0]!.ms)}–${ms(sorted[sorted.length - 1]!.ms)}`
      : '1 load';
  return {
    key,
    value: median.ms,
    capped: loads.some((l) => !l.done),
    note:
      `${spreadNote}; median load: bundle in ${ms(median.scriptMs)}, ` +
      `data in ${ms(median.dataMs)}, last row at ${ms(median.ms)}, painted at ${ms(median.paintedMs)}`,
  };
}

async function onDevhost(target: DevhostTarget, run: RunControl): Promise<Measured[]> {
  const instances = run.quick ? 20 : 1_000;
  const activities = run.quick ? 10 : 1_000;
  const loads = run.quick ? 1 : 5;
  const setupUntil = Date.now() + run.setupMs;
  const runId = `${process.pid}-${++counter}`;
  const ids = Array.from({ length: instances }, (_, i) => `dash-${runId}-${String(i).padStart(4, '0')}`);
  await inPool(instances, 50, (i) => target.start('WaitForEvent', ids[i]!, null));
  const fanOut = `dash-fanout-${runId}`;
  await target.run('FanOut', fanOut, activities);
  while (!ids.every((id) => target.running.has(id))) {
    if (Date.now() > setupUntil)
      throw new Error(`Setup: the ${instances} instances were not all running within the setup limit.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const events = (await target.store.readHistory(fanOut))?.events.length ?? 0;
  if (!run.quick && events < 2_000)
    throw new Error(`Setup: the fan-out has ${events} history events, not 2,000.`);

  const list: View = {
    url: '/_devhost/#/?name=WaitForEvent&top=1000',
    data: '/_devhost/api/instances',
    expected: instances,
    rows: 'tr.instance',
    check: async (page) => {
      const shown = await page
        .locator('tr.instance')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-instance-id')));
      if (shown.length !== ids.length || shown.some((id, i) => id !== ids[i]))
        throw new Error(`The list showed ${shown.length} rows, not the ${ids.length} instances in order.`);
    },
  };
  const timeline: View = {
    url: `/_devhost/#/instance/${encodeURIComponent(fanOut)}`,
    data: '/_devhost/api/instances/',
    expected: activities,
    rows: '.tl-row[data-kind="activity"]',
    check: async (page) => {
      const completed = await page.locator('.tl-row[data-kind="activity"][data-state="completed"]').count();
      if (completed !== activities)
        throw new Error(`The timeline showed ${completed} completed activities, not ${activities}.`);
    },
  };

  const browser = await launchChromium();
  try {
    const limitMs = Math.max(10_000, run.capMs / (2 * loads));
    // One load first, not measured: Chromium's own first start-up (disk cache, fonts) is not the dashboard's.
    if (!run.quick) await loadOnce(browser, target.url, list, limitMs * 4);
    const listLoads: Load[] = [];
    const timelineLoads: Load[] = [];
    for (let i = 0; i < loads; i++) {
      listLoads.push(await loadOnce(browser, target.url, list, limitMs));
      timelineLoads.push(await loadOnce(browser, target.url, timeline, limitMs));
    }
    const timelineFigure = figure('timeline', timelineLoads);
    return [
      figure('list', listLoads),
      {
        ...timelineFigure,
        note: `${events.toLocaleString('en-US')} history events; ${timelineFigure.note ?? ''}`,
      },
    ];
  } finally {
    await browser.close();
  }
}

export const dashboard: Scenario = {
  name: 'dashboard',
  title: 'The dashboard in a browser: 1,000 instances, a 2,000-event timeline',
  description:
    "Headless Chromium (Debian, driven by playwright-core) on devhost's dashboard at `/_devhost/`: the instance " +
    'list filtered to 1,000 waiting instances on one page, and the instance page of a completed fan-out of 1,000 ' +
    'activities (over 2,000 history events) with its timeline. Each load is a fresh browser context (nothing ' +
    'cached), timed from navigation start until the last row is in the document (a mutation observer in the ' +
    'page sees it); a run makes five loads of each view (after one unmeasured load) and reports their median; ' +
    'the notes give their range and, for the median load, when its bundle and its data had arrived and when ' +
    "the frame after the last row was painted. Chromium's own memory is not in the RSS figure.",
  app: 'bench',
  targets: ['memory'],
  capSeconds: 60,
  setupSeconds: 120,
  figures: [
    {
      key: 'list',
      label: 'instance list, 1,000 rows',
      unit: 'ms',
      better: 'lower',
      goals: [{ kind: 'atMost', value: 1000, targets: ['memory'] }],
      lowerBoundWhenCut: true,
    },
    {
      key: 'timeline',
      label: 'timeline, 1,000 activities',
      unit: 'ms',
      better: 'lower',
      goals: [{ kind: 'atMost', value: 1000, targets: ['memory'] }],
      lowerBoundWhenCut: true,
    },
  ],
  onDevhost,
};
