import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUS_RATE, LISTEN_HEADER_BYTES, listenPath } from '../../electron/contract';
import { startServer } from '../../electron/serve/server';
import { openConsole, readListenProbe, type ListenProbe } from './chromium';
import { startInProcessConsole, type InProcessConsole } from './in-process-console';

const TOKEN = 'e2e-listen-token-0123456789';
let rig: InProcessConsole | undefined;

beforeAll(async () => {
  rig = await startInProcessConsole({
    token: TOKEN,
    sources: [{ id: 'demo', name: 'Demo station', uri: 'demo:?every=0', priority: 10, enabled: true }],
    uiPrefix: 'eas-ui-listen-',
    chromiumArgs: ['--autoplay-policy=no-user-gesture-required'],
  });
}, 120_000);

afterAll(() => rig?.close());

const wsBase = (): string => `ws://127.0.0.1:${rig!.server.port}/`;

describe('direct listening', () => {
  it('streams bus PCM as binary frames to an authenticated socket, and refuses without the token', async () => {
    const ws = new WebSocket(`${wsBase()}${listenPath('demo')}&token=${TOKEN}`);
    const frames: Buffer[] = [];
    let hello: unknown = null;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) frames.push(data);
      else hello = JSON.parse(data.toString());
    });
    await expect
      .poll(() => frames.length, { timeout: 10_000, message: 'no PCM frame arrived on /ws/listen' })
      .toBeGreaterThan(5);
    ws.close();
    expect(hello).toEqual({ t: 'hello', sourceId: 'demo', rate: BUS_RATE });
    const starts = frames.map((f) => f.readDoubleLE(0));
    const lengths = frames.map((f) => (f.length - LISTEN_HEADER_BYTES) / 2);
    // Contiguous blocks: each starts where the one before ended.
    for (let i = 1; i < starts.length; i++) expect(starts[i]).toBe(starts[i - 1]! + lengths[i - 1]!);

    const refused = new WebSocket(`${wsBase()}${listenPath('demo')}`);
    const code = await new Promise<number>((resolve) => {
      refused.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      refused.on('error', () => resolve(-1));
    });
    expect(code).toBe(401);

    const unknown = new WebSocket(`${wsBase()}${listenPath('nope')}&token=${TOKEN}`);
    const closeCode = await new Promise<number>((resolve) => unknown.on('close', (c) => resolve(c)));
    expect(closeCode).toBe(4404);
  });

  it('plays a demo source through the AudioWorklet for 5 s without underrun or CSP violation, and reconnects after a server restart', async () => {
    const { page, problems } = await openConsole(rig!.browser, rig!.server.url);
    const button = page.getByTestId('listen-button-demo');
    await button.waitFor({ state: 'visible', timeout: 15_000 });
    await expect.poll(() => button.isEnabled(), { timeout: 15_000, message: 'the Listen button never became enabled' }).toBe(true);
    await button.click();
    const probe = (): Promise<ListenProbe> => readListenProbe(page);
    await expect
      .poll(async () => (await probe()).phase, { timeout: 15_000, message: 'the player never reached "playing" (window.__easTest.listen)' })
      .toBe('playing');
    const start = await probe();
    // 5 s of audio by the worklet's own frame count (not the wall clock): bounded by 20 s.
    await expect
      .poll(async () => (await probe()).framesRendered - start.framesRendered, { timeout: 20_000, interval: 250, message: 'the worklet did not render 5 s of frames' })
      .toBeGreaterThanOrEqual(5 * BUS_RATE);
    const end = await probe();
    expect(end.underruns).toBe(start.underruns);
    // The jitter buffer holds about its 150 ms target: the engine-to-speaker delay stays well under 0.3 s.
    expect(end.bufferedMs).toBeGreaterThan(50);
    expect(end.bufferedMs).toBeLessThan(250);
    console.info(`direct listening: ${Math.round(end.bufferedMs)} ms buffered, ${end.framesRendered} frames rendered, ${end.underruns} underruns`);
    expect(end.sourceId).toBe('demo');
    expect(end.path).toBe('direct');
    expect(await page.getByTestId('listen-demo').getAttribute('data-phase')).toBe('playing');
    await expect(page.getByTestId('listen-demo').textContent()).resolves.toMatch(/Playing direct from the engine/);

    // The engine's server restarts (same port): the player reconnects by itself.
    const port = rig!.server.port;
    await rig!.server.close();
    await expect
      .poll(async () => (await probe()).phase, { timeout: 10_000, message: 'the player did not notice the closed listening socket' })
      .toBe('error');
    rig!.server = await startServer({ engine: rig!.te.engine, host: '127.0.0.1', port, token: TOKEN, rendererDir: rig!.uiDir });
    await expect
      .poll(async () => (await probe()).phase, { timeout: 20_000, message: 'the player did not reconnect after the server came back' })
      .toBe('playing');

    await page.getByTestId('listen-stop-demo').click();
    await expect.poll(async () => (await probe()).phase, { timeout: 5_000 }).toBe('idle');
    expect(problems.csp).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
    await page.close();
  }, 90_000);
});
