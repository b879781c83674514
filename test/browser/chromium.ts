import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * Debian's Chromium driven by playwright-core, shared by the browser tests: one place for the
 * binary, its flags, the screenshot folder and the "live within 2 s" budget of the pages.
 */
export const CHROMIUM = process.env.CXPULSE_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'artifacts', 'screenshots');
export const LIVE_MS = 2000;

export const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  // On CI a missing browser is a broken machine, not a reason to pass quietly.
  if (process.env.CI && process.env.CI !== 'false') throw new Error(`${CHROMIUM} is missing and CI is set: install it (bash scripts/services-chromium.sh)`);
  console.warn(`[browser tests] skipped: ${CHROMIUM} is absent; install it with: bash scripts/services-chromium.sh (as root)`);
}

/** A fresh profile per run: no cached page, no state from a previous run or another user. */
export function launch(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1920, height: 1080 } });
}

type Tracked = Page & { errors?: string[] };

/** Opens a page, records its script errors, and waits until its feed says it is live. */
export async function openLive(context: BrowserContext, url: string): Promise<Page> {
  const page: Tracked = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.errors = errors;
  await page.goto(url);
  await page.waitForSelector('#status[data-state="live"]', { timeout: 5000 });
  return page;
}

/** Script errors of a page opened with openLive; a refused or unreachable socket shows in the status pill instead. */
export function pageErrors(page: Page): string[] {
  return ((page as Tracked).errors ?? []).filter((e) => !/WebSocket/.test(e));
}
