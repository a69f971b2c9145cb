/**
 * The devhost dashboard in headless Chromium: the instance list with 1,000 instances on one page,
 * and the timeline of a fan-out of 1,000 activities (over 2,000 history events). Each load is a
 * fresh browser context (nothing cached), timed from navigation start until the view's last row is
 * in the document (the page and its bundle, the API calls, building the rows), and until the frame
 * after that is painted (the rows on screen laid out and drawn): both are held against 1 s.
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
    const answer = await page.goto(`${url}${view.url}`, { waitUntil: 'commit' });
    if (!answer?.ok())
      throw new Error(
        `The dashboard page answered ${answer?.status()}: ${(await answer?.text())?.slice(0, 300)}`,
      );
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

/** The median load's time to the last row (`key`) and to the frame after it (`<key>Painted`). */
function figures(key: string, loads: Load[], about = ''): Measured[] {
  const ms = (n: number) => `${Math.round(n).toLocaleString('en-US')} ms`;
  const capped = loads.some((l) => !l.done);
  const median = (of: (load: Load) => number): Load => {
    const sorted = [...loads].sort((a, b) => of(a) - of(b));
    return sorted[Math.floor((sorted.length - 1) / 2)]!;
  };
  const note = (of: (load: Load) => number): string => {
    const values = loads.map(of).sort((a, b) => a - b);
    const range =
      values.length > 1
        ? `${values.length} loads, ${ms(values[0]!)}–${ms(values[values.length - 1]!)}`
        : '1 load';
    const m = median(of);
    return `${about}${range}; median load: bundle in ${ms(m.scriptMs)}, data in ${ms(m.dataMs)}, last row at ${ms(m.ms)}, painted at ${ms(m.paintedMs)}`;
  };
  return [
    { key, value: median((l) => l.ms).ms, capped, note: note((l) => l.ms) },
    {
      key: `${key}Painted`,
      value: median((l) => l.paintedMs).paintedMs,
      capped,
      note: note((l) => l.paintedMs),
    },
  ];
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
    rows: '.instance',
    check: async (page) => {
      const shown = await page
        .locator('.instance')
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
    return [
      ...figures('list', listLoads),
      ...figures('timeline', timelineLoads, `${events.toLocaleString('en-US')} history events; `),
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
    'page sees it) and until the frame after that is painted; a run makes five loads of each view (after one ' +
    'unmeasured load) and reports their medians; the notes give the range and, for the median load, when its ' +
    "bundle and its data had arrived. Chromium's own memory is not in the RSS figure.",
  app: 'bench',
  targets: ['memory'],
  capSeconds: 60,
  setupSeconds: 120,
  figures: [
    {
      key: 'list',
      label: 'instance list, 1,000 rows: last row in the page',
      unit: 'ms',
      better: 'lower',
      goals: [{ kind: 'atMost', value: 1000, targets: ['memory'] }],
      lowerBoundWhenCut: true,
    },
    {
      key: 'listPainted',
      label: 'instance list, 1,000 rows: painted',
      unit: 'ms',
      better: 'lower',
      goals: [{ kind: 'atMost', value: 1000, targets: ['memory'] }],
      lowerBoundWhenCut: true,
    },
    {
      key: 'timeline',
      label: 'timeline, 1,000 activities: last row in the page',
      unit: 'ms',
      better: 'lower',
      goals: [{ kind: 'atMost', value: 1000, targets: ['memory'] }],
      lowerBoundWhenCut: true,
    },
    {
      key: 'timelinePainted',
      label: 'timeline, 1,000 activities: painted',
      unit: 'ms',
      better: 'lower',
      goals: [{ kind: 'atMost', value: 1000, targets: ['memory'] }],
      lowerBoundWhenCut: true,
    },
  ],
  onDevhost,
};
