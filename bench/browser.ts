/**
 * Headless Chromium for the dashboard's benchmark and browser tests: Debian's chromium driven by
 * playwright-core (never a downloaded browser), each use in a fresh browser context (an empty
 * profile: no cache, no storage).
 */
import * as fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `The dashboard needs Chromium at ${CHROMIUM}. Install it with \`sudo apt-get install chromium\` ` +
        '(Debian; .ci/run does this), or set CHROMIUM_PATH to a Chromium binary. Never `npx playwright install`.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
