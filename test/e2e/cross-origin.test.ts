import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../electron/serve/server';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { ensureBuilt, launchChromium } from './chromium';
import { ROOT } from './serve-process';

// Issue 13's attack as Chromium runs it: the operator has the console open (so the browser
// holds its cookie), and a page from another 127.0.0.1 port tries to drive it. SameSite does
// not separate ports, so Chromium sends the cookie; the server must refuse on Origin.
const TOKEN = 'cross-origin-test-token-0123456789';

describe('another 127.0.0.1 page in Chromium', () => {
  let te: TestEngine;
  let consoleServer: RunningServer;
  let evil: Server;
  let evilPort: number;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    await ensureBuilt();
    te = await startTestEngine({ sources: [] });
    consoleServer = await startServer({ engine: te.engine, host: '127.0.0.1', port: 0, token: TOKEN, rendererDir: join(ROOT, 'dist', 'renderer') });
    evil = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>other app</title><p>nothing to see</p>');
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    evilPort = (evil.address() as AddressInfo).port;
    browser = await launchChromium();
    context = await browser.newContext();
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await new Promise<void>((r) => (evil ? evil.close(() => r()) : r()));
    await consoleServer?.close();
    await te?.cleanup();
  });

  it('the console page itself connects its WebSocket with the cookie', async () => {
    const page = await context.newPage();
    const framed = new Promise<string>((resolve) => {
      page.on('websocket', (ws) => ws.on('framereceived', (f) => resolve(String(f.payload))));
    });
    await page.goto(`http://127.0.0.1:${consoleServer.port}/?token=${TOKEN}`);
    expect((await context.cookies()).map((c) => c.name)).toContain('eas_token');
    const first = await Promise.race([framed, new Promise<string>((_r, rej) => setTimeout(() => rej(new Error('the console WebSocket received no frame within 15 s')), 15_000))]);
    expect(first).toMatch(/"t":"(event|result)"/);
    // Reloaded without ?token=: the cookie alone must do, on the page and its socket.
    const second = await context.newPage();
    const opened = new Promise<boolean>((resolve) => second.on('websocket', (ws) => ws.on('framereceived', () => resolve(true))));
    await second.goto(`http://127.0.0.1:${consoleServer.port}/`);
    expect(await Promise.race([opened, new Promise<boolean>((r) => setTimeout(() => r(false), 15_000))])).toBe(true);
    await page.close();
    await second.close();
  });

  it('a page on another port cannot open the console WebSocket or read its API, cookie and all', async () => {
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${evilPort}/`);
    const result = await page.evaluate(
      `new Promise((resolve) => {
        const ws = new WebSocket('ws://127.0.0.1:${consoleServer.port}/ws');
        const timer = setTimeout(() => resolve('no answer'), 10000);
        ws.onopen = () => { clearTimeout(timer); resolve('opened'); ws.close(); };
        ws.onclose = (e) => { clearTimeout(timer); resolve('closed ' + e.code); };
      })`,
    );
    expect(result).toBe('closed 1006');
    // An <img> carries the cookie and no Origin; Sec-Fetch-Site: same-site gives it away.
    // Without that rule the console's own favicon would load here.
    const img = await page.evaluate(
      `new Promise((resolve) => {
        const i = new Image();
        i.onload = () => resolve('loaded');
        i.onerror = () => resolve('error');
        i.src = 'http://127.0.0.1:${consoleServer.port}/favicon.svg?nocache=' + Date.now();
      })`,
    );
    expect(img).toBe('error');
    await page.close();
  }, 30_000);
});
