/**
 * Headless Chromium for the dashboard's browser tests: Debian's chromium driven by playwright-core
 * (never a downloaded browser), a fresh profile per launch, and the dashboard bundle built when it
 * is missing or older than its sources.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const docsImages = path.resolve(__dirname, '../../docs/images');

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
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM}. Install it with \`sudo apt-get install chromium\` ` +
        '(Debian; .ci/run does this), or set CHROMIUM_PATH to a Chromium binary. Never `npx playwright install`.',
    );
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'devhost-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return {
    context,
    page,
    problems,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
