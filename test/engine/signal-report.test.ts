import { afterEach, describe, expect, it } from 'vitest';
import type { SourceStatus } from '../../electron/contract';
import { FmIqSynth } from '../../electron/core/dsp';
import { defaultSettings } from '../../electron/engine/settings-store';
import { SIGNAL_MIN_INTERVAL_MS, SignalReport } from '../../electron/engine/status/signal-report';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { startRtlTcpServer, type RtlTcpTestServer } from '../helpers/rtl-tcp-server';
import { sleep, waitFor } from '../helpers/wait';

describe('SignalReport (when signal strength alone refreshes the source list)', () => {
  it('reports a change of 1 dB or more, at most once per interval, and appearing or vanishing at once', () => {
    const r = new SignalReport();
    expect(r.shouldReport('a', null, 0)).toBe(false); // nothing known yet and nothing now
    expect(r.shouldReport('a', -20, 10)).toBe(true); // appears
    expect(r.shouldReport('a', -20.9, 10 + SIGNAL_MIN_INTERVAL_MS)).toBe(false); // under 1 dB
    expect(r.shouldReport('a', -25, 20)).toBe(false); // 5 dB, but too soon after the last report
    expect(r.shouldReport('a', -25, 10 + SIGNAL_MIN_INTERVAL_MS)).toBe(true); // held back, now due
    expect(r.shouldReport('a', -24.5, 10_000)).toBe(false); // measured from the value last reported
    expect(r.shouldReport('a', -24, 10_001)).toBe(true);
    expect(r.shouldReport('a', null, 10_002)).toBe(true); // vanishes at once
    expect(r.shouldReport('a', null, 20_000)).toBe(false);
    expect(r.shouldReport('b', -60, 10_002)).toBe(true); // per source
    r.forget('b');
    expect(r.shouldReport('b', -60, 10_003)).toBe(true);
  });
});

const RATE = 1_024_000;
const CHANNEL_HZ = 162_550_000;

let server: RtlTcpTestServer | null = null;
let te: TestEngine | null = null;
let streaming = true;
afterEach(async () => {
  streaming = false;
  await te?.cleanup();
  await server?.close();
  te = null;
  server = null;
});

describe('signal strength in the source list', () => {
  it('an RF source whose carrier drops 20 dB shows it while it keeps running', async () => {
    streaming = true;
    const tone = new Float32Array(22050).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 22050));
    server = await startRtlTcpServer({
      onConnection: async (conn) => {
        if (conn.index > 0) return conn.destroy();
        const s = await conn.waitForState((t) => t.freqHz !== null && t.rateHz !== null);
        const air = (amplitude: number): FmIqSynth =>
          new FmIqSynth({ iqRate: s.rateHz!, audio: tone, audioRate: 22050, deviationHz: 2500, carrierOffsetHz: CHANNEL_HZ - s.freqHz!, amplitude });
        // 0.3 full scale (-10.5 dBFS), then 0.03 (-30.5 dBFS); each 100 ms of IQ every 100 ms, so
        // the worker sees the change while the source runs on (not all at once, then an end).
        for (const synth of [air(0.3), air(0.03)]) {
          for (let i = 0; i < 40 && streaming; i++) {
            await conn.streamIq((b) => 2 * synth.fill(b), { maxBytes: (2 * RATE) / 10 });
            await sleep(100);
          }
        }
      },
    });
    const uri = `rtltcp://127.0.0.1:${server.port}?freq=162.55M&rate=${RATE}&mode=nfm`;
    te = await startTestEngine({
      sources: [{ id: 'rf', name: 'RF', uri, priority: 1, enabled: true }],
      // Health changes also refresh the list: keep them out of the way.
      failover: { ...defaultSettings().failover, silenceSeconds: 600, stallSeconds: 600 },
    });
    const seen: SourceStatus[] = [];
    te.engine.on('sources.changed', (list) => seen.push(...list.filter((s) => s.id === 'rf')));
    const strong = await waitFor('a sources.changed with the strong carrier', () => seen.find((s) => s.signalDb !== null && s.signalDb > -12));
    expect(strong.signalDb!).toBeLessThan(-9);
    const weak = await waitFor('a sources.changed with the carrier 20 dB down', () => seen.find((s) => s.signalDb !== null && s.signalDb < -28), 15_000);
    expect(weak.signalDb!).toBeGreaterThan(-33);
    expect(weak.state).toBe('running');
    // Throttled: a report every 100 ms of audio does not become a push every 100 ms.
    const pushes = seen.filter((s) => s.state === 'running').length;
    expect(pushes).toBeLessThan(20);
  }, 30_000);
});
