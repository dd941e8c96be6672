import { afterEach, describe, expect, it } from 'vitest';
import { parseSourceUri, type RtlSpec } from '../../../electron/contract';
import { FmIqSynth } from '../../../electron/core/dsp';
import { SameReceiver, encodeSame, type SameEvent } from '../../../electron/core/same';
import { CaptureError, type CaptureContext } from '../../../electron/engine/sources/adapter';
import { createRtlAdapter } from '../../../electron/engine/sources/rtl';
import { startRtlTcpServer, unusedPort, type RtlTcpServerConnection, type RtlTcpTestServer } from '../../helpers/rtl-tcp-server';

const HEADER = 'ZCZC-WXR-TOR-029095+0030-1051700-KEAX/NWS-';
const CHANNEL_HZ = 162_550_000; // NOAA WX1
const RATE = 1_024_000;
const AUDIO_RATE = 22050;

let server: RtlTcpTestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

interface Recorder {
  ctx: CaptureContext;
  levels: (number | null)[];
  logs: string[];
  audioSamples: () => number;
}

function recorder(signal: AbortSignal, onAudio: (block: Float32Array) => void): Recorder {
  const levels: (number | null)[] = [];
  const logs: string[] = [];
  let samples = 0;
  return {
    levels,
    logs,
    audioSamples: () => samples,
    ctx: {
      emit(block) {
        samples += block.length;
        // The adapter may reuse the block after emit returns.
        onAudio(block.slice());
      },
      setNowPlaying() {},
      setSignalDb: (db) => levels.push(db),
      log: (level, message) => logs.push(`${level}: ${message}`),
      signal,
    },
  };
}

/**
 * The "air" for one connection: the alert as NFM (±5 kHz full scale) on WX1, placed where WX1
 * falls relative to the centre frequency the client commanded, with noise, at 1.024 Msps.
 */
async function airFor(conn: RtlTcpServerConnection, audio: Float32Array): Promise<FmIqSynth> {
  const s = await conn.waitForState((t) => t.freqHz !== null && t.rateHz !== null && t.biasTee !== null);
  expect(s.rateHz).toBe(RATE);
  return new FmIqSynth({
    iqRate: s.rateHz!,
    audio,
    audioRate: AUDIO_RATE,
    deviationHz: 5000,
    carrierOffsetHz: CHANNEL_HZ - s.freqHz!,
    amplitude: 0.3,
    noiseDbfs: -15,
    seed: 1000 + conn.index,
  });
}

describe('RTL-SDR adapter over rtl_tcp, end to end', () => {
  it('decodes a SAME alert from NFM IQ, and reconnects after a mid-stream disconnect', async () => {
    const alert = encodeSame({ header: HEADER, sampleRate: AUDIO_RATE, attention: { kind: 'nwr', seconds: 1 }, amplitude: 0.8 });
    server = await startRtlTcpServer({
      onConnection: async (conn) => {
        if (conn.index > 1) return conn.destroy();
        const air = await airFor(conn, alert);
        if (conn.index === 0) {
          // 1.5 s in (inside the first header burst), the server goes away.
          await conn.streamIq((b) => 2 * air.fill(b), { maxBytes: 2 * Math.round(1.5 * RATE) });
          conn.destroy();
          return;
        }
        await conn.streamIq((b) => (air.done ? 0 : 2 * air.fill(b)));
        // Then a bare carrier until the client hangs up.
        await conn.streamIq((b) => 2 * air.fill(b), { maxBytes: 2 * 2 * RATE });
      },
    });
    const spec = parseSourceUri(`rtltcp://127.0.0.1:${server.port}?freq=162.55M&rate=1024000&mode=nfm&gain=38.6&ppm=-2&agc=1&biastee=1`) as RtlSpec;
    const ac = new AbortController();
    const events: SameEvent[] = [];
    const rx = new SameReceiver({
      sampleRate: AUDIO_RATE,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'eom') ac.abort();
      },
    });
    const rec = recorder(ac.signal, (b) => rx.push(b));
    const adapter = createRtlAdapter(spec, { idleTimeoutMs: 3000 });

    // What the pipeline does: run, and on a retryable CaptureError run again.
    const errors: CaptureError[] = [];
    for (let attempt = 0; attempt < 3 && !ac.signal.aborted; attempt++) {
      try {
        await adapter.run(rec.ctx);
      } catch (err) {
        expect(err).toBeInstanceOf(CaptureError);
        expect((err as CaptureError).retryable).toBe(true);
        errors.push(err as CaptureError);
      }
    }
    rx.flush();

    expect(errors.map((e) => e.code)).toEqual(['disconnected']);
    expect(errors[0]!.message).toContain(`127.0.0.1:${server.port}`);
    const headers = events.filter((e) => e.type === 'header');
    expect(headers).toHaveLength(1);
    expect(headers[0]!.type === 'header' && headers[0].raw).toBe(HEADER);
    expect(events.some((e) => e.type === 'attention' && e.phase === 'start')).toBe(true);
    expect(events.some((e) => e.type === 'eom')).toBe(true);

    // The server saw the tuning it should have on both connections: 256 kHz below WX1.
    expect(server.connections).toHaveLength(2);
    for (const conn of server.connections) {
      expect(conn.state).toEqual({ freqHz: CHANNEL_HZ - 256_000, rateHz: RATE, gainMode: 1, gainTenthsDb: 386, ppm: -2, agc: 1, biasTee: 1 });
      expect(conn.commands[0]!.cmd).toBe(0x02); // sample rate first, as rtl_tcp applies it
    }

    // Level reports: the carrier (amplitude 0.3 = -10.5 dBFS), then null when each run ends.
    const dbs = rec.levels.filter((x): x is number => x !== null);
    expect(Math.max(...dbs)).toBeGreaterThan(-12);
    expect(Math.max(...dbs)).toBeLessThan(-9);
    expect(rec.levels.at(-1)).toBeNull();
    expect(rec.logs.some((l) => l.includes('R820T'))).toBe(true);
  });

  it('"connection refused" surfaces as the named, retryable CaptureError', async () => {
    const port = await unusedPort();
    const spec = parseSourceUri(`rtltcp://127.0.0.1:${port}?freq=wx1`) as RtlSpec;
    const rec = recorder(new AbortController().signal, () => {});
    const err = await createRtlAdapter(spec).run(rec.ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CaptureError);
    expect((err as CaptureError).code).toBe('connection_refused');
    expect((err as CaptureError).hint).toMatch(/rtl_tcp/);
  });

  it('stopping the source during connect resolves without an error', async () => {
    server = await startRtlTcpServer({ header: null, onConnection: () => {} });
    const spec = parseSourceUri(`rtltcp://127.0.0.1:${server.port}?freq=wx1`) as RtlSpec;
    const ac = new AbortController();
    const rec = recorder(ac.signal, () => {});
    setTimeout(() => ac.abort(), 100);
    await expect(createRtlAdapter(spec).run(rec.ctx)).resolves.toBeUndefined();
  });
});

describe('RTL-SDR adapter, local dongle through rtl_sdr', () => {
  it('without a dongle, fails with "No device found" and the driver/permissions hint', async () => {
    const spec = parseSourceUri('rtlsdr:?freq=162550000&rate=1024000&gain=auto&mode=nfm') as RtlSpec;
    const rec = recorder(new AbortController().signal, () => {});
    const err = await createRtlAdapter(spec).run(rec.ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CaptureError);
    expect((err as CaptureError).code).toBe('no_device');
    expect((err as CaptureError).hint).toMatch(/dvb_usb_rtl28xxu/);
    expect(rec.levels.at(-1)).toBeNull();
  });
});
