import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContextOptions, type Page } from "playwright-core";

/** No browser where the tests look for it; the message says how to install it. */
export class BrowserMissingError extends Error {
  override readonly name = "BrowserMissingError";
}

/** Debian's chromium, or KCE_CHROMIUM. scripts/setup.sh installs the package. */
export function chromiumPath(): string {
  const path = process.env["KCE_CHROMIUM"] ?? "/usr/bin/chromium";
  if (!existsSync(path)) throw new BrowserMissingError(`no Chromium at ${path}: run scripts/setup.sh (apt-get install chromium), or set KCE_CHROMIUM`);
  return path;
}

/** A real headless Chromium (playwright-core drives it; we run as root, hence --no-sandbox). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: ["--no-sandbox"], headless: true });
}

export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught exceptions seen so far. */
  errors: string[];
}

/** A page in a fresh context whose console errors and page errors are collected. */
export async function watchedPage(browser: Browser, options: BrowserContextOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, acceptDownloads: true, ...options });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  return { page, errors };
}

/** Debian's Firefox ESR, or KCE_FIREFOX. scripts/setup.sh installs the package. */
export function firefoxPath(): string {
  const path = process.env["KCE_FIREFOX"] ?? "/usr/bin/firefox-esr";
  if (!existsSync(path)) throw new BrowserMissingError(`no Firefox at ${path}: run scripts/setup.sh (apt-get install firefox-esr), or set KCE_FIREFOX`);
  return path;
}

/**
 * A real headless Firefox, driven over WebDriver BiDi by puppeteer-core (playwright-core drives only its
 * own patched Firefox builds; puppeteer speaks the standard protocol a stock Firefox has).
 */
export async function launchFirefox(): Promise<import("puppeteer-core").Browser> {
  const { default: puppeteer } = await import("puppeteer-core");
  return puppeteer.launch({ browser: "firefox", executablePath: firefoxPath(), headless: true });
}
