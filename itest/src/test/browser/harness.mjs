// What every browser script of the socket-level tests shares: settings from the environment,
// headless Chromium, a page's console and uncaught exceptions, and the one-line report the Java
// test reads ("RESULT <json>" on success, exit status 1 on any failure). BrowserScript copies this
// file beside each script.

import { chromium } from 'playwright-core';

/** The environment variable `name`; a script cannot run without it. */
export const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

/** A log line tagged with the script's name. */
export const logger = (tag) => (message) => console.log(`[${tag}] ${message}`);

/** Uncaught exceptions in the pages: any of them fails the run. */
const pageErrors = [];

/**
 * Logs `page`'s console errors and warnings and collects its uncaught exceptions, each with
 * `label` (which page it was) when there are several.
 */
export function watch(page, log, label = '') {
  const prefix = label ? `${label} ` : '';
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') log(`${prefix}console ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (error) => {
    pageErrors.push(label ? `${label}: ${error.message}` : error.message);
    log(`${prefix}page error: ${error.message}`);
  });
}

/** Opens `url` in `page`; anything but 200 fails the run. */
export async function open(page, url) {
  const response = await page.goto(url);
  if (!response || response.status() !== 200) throw new Error(`${url} answered ${response && response.status()}`);
}

/**
 * Launches headless Chromium, runs `body(browser)` and prints its result as "RESULT <json>"; ends
 * the process with status 1 when it threw or a page had an uncaught exception.
 */
export async function run(tag, body) {
  const browser = await chromium.launch({
    executablePath: env('CHROMIUM'),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  let failed = false;
  try {
    const result = await body(browser);
    if (pageErrors.length > 0) throw new Error(`uncaught errors in the pages: ${pageErrors.join('; ')}`);
    console.log(`RESULT ${JSON.stringify(result)}`);
  } catch (error) {
    failed = true;
    console.error(`[${tag}] failed: ${error.stack ?? error}`);
  } finally {
    await browser.close();
  }
  process.exit(failed ? 1 : 0);
}
