/**
 * @module Browser
 *
 * Debian's Chromium, driven through playwright-core (no browser download). CI installs the
 * `chromium` package; set KEYWARD_CHROMIUM to use another binary.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Where the browser is expected. */
export const CHROMIUM_PATH = process.env.KEYWARD_CHROMIUM ?? '/usr/bin/chromium';

/** Whether a browser is installed, so the suite can say why it is skipped. */
export const hasChromium = existsSync(CHROMIUM_PATH);

/** Launches headless Chromium with the flags that keep it quiet and offline. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
