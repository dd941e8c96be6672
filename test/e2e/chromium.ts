import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { ROOT } from './serve-process';

const CHROMIUM = '/usr/bin/chromium';

/** What a page did that a station engineer would call broken. */
export interface PageProblems {
  console: string[];
  pageErrors: string[];
  csp: string[];
}

/** Fails early with the command to run when the built CLI is missing. */
export async function ensureBuilt(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist', 'node', 'cli.js'))) {
    throw new Error('dist/node/cli.js is missing: run `npm run build` before the e2e tests (npm test does).');
  }
  if (existsSync(join(ROOT, 'dist', 'renderer', 'index.html'))) return;
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
}

/** Debian's Chromium, headless, with the background chatter that costs CPU turned off (plus `extraArgs`). */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

/**
 * A fresh page that records console errors, page errors and CSP violations. `beforeGoto`
 * runs before navigation, for listeners that must see the first request (WebSocket frames);
 * `pageOptions` override the page's context (viewport, permissions).
 */
export async function openConsole(
  browser: Browser,
  url: string,
  beforeGoto?: (page: Page) => unknown,
  pageOptions: BrowserContextOptions = {},
): Promise<{ page: Page; problems: PageProblems }> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, ...pageOptions });
  const problems: PageProblems = { console: [], pageErrors: [], csp: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') problems.console.push(m.text());
  });
  page.on('pageerror', (e) => problems.pageErrors.push(e.message));
  await page.exposeFunction('__reportCsp', (v: string) => problems.csp.push(v));
  // Injected by the browser driver, so the page's own CSP does not apply to it. A string:
  // this file is type-checked without DOM types.
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) => {
      window.__reportCsp(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline'));
    });`,
  });
  await beforeGoto?.(page);
  await page.goto(url);
  return { page, problems };
}

/**
 * What the player reports as `window.__easTest.listen()`: a copy of renderer/src/audio/
 * listen-store.ts ListenProbe, which this (DOM-less) project cannot import.
 */
export interface ListenProbe {
  sourceId: string | null;
  path: string | null;
  streamId: string | null;
  phase: string;
  framesRendered: number;
  underruns: number;
  bufferedMs: number;
  pickReason: string | null;
  throughputBps: number | null;
}

export const readListenProbe = (page: Page): Promise<ListenProbe> =>
  page.evaluate(() => (globalThis as unknown as { __easTest: { listen(): ListenProbe } }).__easTest.listen());
