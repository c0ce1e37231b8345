import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Browser, chromium, Locator, Page } from 'playwright-core';
import { eventually } from './eventually';

/** Where the browser tests leave their screenshots (ignored by git). */
export const SCREENSHOTS = path.join(__dirname, '../../test-results/screenshots');

/** The Chromium that scripts/install-chromium.sh found or installed, if any. */
export function chromiumPath(): string | undefined {
  return [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));
}

/**
 * `describe` where a Chromium is installed; elsewhere `describe.skip`, with the reason said once, so a machine
 * without one still runs every other test.
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (chromiumPath()) {
    describe(name, body);
    return;
  }
  console.warn(`${name}: skipped, no Chromium here (scripts/install-chromium.sh could not install one; set CHROMIUM_PATH)`);
  describe.skip(name, body);
}

/** Headless Chromium with its background networking off (the machine's network is closed to it anyway). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** A page that remembers what its console and CSP said, so a test can demand silence. */
export async function openPage(browser: Browser, baseURL: string): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { page, problems };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** What axe-core (a checker nobody here wrote) finds on the page as it is now, serious and critical only: `rule: target` lines. */
export async function seriousAccessibilityProblems(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run();
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}`));
  });
  return violations;
}

/** Waits until the one element of `locator` has exactly this text (or text matching it). */
export async function shows(locator: Locator, expected: string | RegExp, timeout = 10_000): Promise<void> {
  // playwright-core has no assertions
  await eventually(`text of ${locator}`, async () => (await locator.textContent({ timeout: 200 }))?.trim() ?? '',
    (text) => (typeof expected === 'string' ? text === expected : expected.test(text)), { within: timeout, every: 50 });
}

/** Waits until `locator` finds exactly `count` elements. */
export async function counts(locator: Locator, count: number, timeout = 10_000): Promise<void> {
  await eventually(`count of ${locator}`, () => locator.count(), (n) => n === count, { within: timeout, every: 50 });
}
