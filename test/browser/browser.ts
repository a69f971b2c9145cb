/**
 * Headless Chromium for the dashboard's browser tests (launched as the benchmark launches it,
 * bench/browser.ts), with page errors and dialogs collected, and the dashboard bundle built when
 * it is missing or older than its sources.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../bench/browser';

/**
 * Where the dashboard test saves the README's screenshots: set by `npm run screenshots`
 * (scripts/screenshots.ts). Unset, no test takes any, so a test run never changes tracked files.
 */
export const screenshotsDir: string | undefined = process.env.DASHBOARD_SCREENSHOTS || undefined;

/** Builds devhost/dist/dashboard when it is missing or older than devhost/src/dashboard. */
export function ensureDashboardBuilt(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the build script is plain CommonJS
  const build = require('../../devhost/scripts/buildDashboard.js') as {
    buildDashboard(): string;
    sourcesChangedAt(): number;
    defaultOut: string;
  };
  const bundle = path.join(build.defaultOut, 'app.js');
  if (!fs.existsSync(bundle) || fs.statSync(bundle).mtimeMs < build.sourcesChangedAt())
    build.buildDashboard();
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Page errors and dialogs (an `alert` would mean injected script ran). */
  problems: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const chromium = await launchChromium();
  const context = await chromium.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { context, page, problems, close: () => chromium.close() };
}
