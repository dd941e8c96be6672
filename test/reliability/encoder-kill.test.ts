import { afterEach, expect, it } from 'vitest';
import type { StreamConfig, StreamState } from '../../electron/contract/dto';
import { MemorySecretStore, streamPasswordKey } from '../../electron/engine/secrets';
import { StreamManager } from '../../electron/engine/streams/stream-manager';
import { listen, startIcecast, type IcecastHandle, type TestListener } from '../helpers/icecast';
import { hum, RATE, RealtimeFeeder, TestBus } from '../helpers/stream-audio';
import { sleep, waitFor } from '../helpers/wait';

// The stream's encoder (the bundled ffmpeg) dies again and again under a real icecast2, and
// a plain HTTP listener on the mount counts what actually reaches it.
const KBPS = 128;
const BYTES_PER_S = (KBPS * 1000) / 8;
const KILLS = 10;
const WINDOW_S = 30;

let ice: IcecastHandle | null = null;
let manager: StreamManager | null = null;
let feeder: RealtimeFeeder | null = null;
let listener: TestListener | null = null;

afterEach(async () => {
  listener?.close();
  feeder?.stop();
  await manager?.close();
  await ice?.stop();
  ice = manager = feeder = listener = null;
});

async function liveStream(id: string, mount: string, opts: { deliveryStallMs?: number } = {}): Promise<{ m: StreamManager; feeder: RealtimeFeeder; ice: IcecastHandle }> {
  ice = await startIcecast();
  const secrets = new MemorySecretStore();
  manager = new StreamManager({ secrets, ...opts });
  const config: StreamConfig = { id, sourceId: 'src', enabled: true, format: 'mp3', bitrateKbps: KBPS, host: ice.host, port: ice.port, mount };
  secrets.set(streamPasswordKey(id), ice.sourcePassword);
  manager.configure([config]);
  const bus = new TestBus('src');
  feeder = new RealtimeFeeder(bus, hum).start();
  manager.attachSource(bus);
  const m = manager;
  await waitFor(`${id} live`, () => m.status(id)?.state === 'live', 15_000, { detail: () => JSON.stringify(m.status(id)) });
  return { m, feeder, ice };
}

/** MP3 is constant-bitrate: bytes owed for `samples` of source audio. */
const owed = (samples: number): number => (samples / RATE) * BYTES_PER_S;

it(`the encoder SIGKILLed ${KILLS} times in a row: back within 2 s of the last kill, a listener gets >= 90 % of the bytes over the next ${WINDOW_S} s`, async () => {
  const { m, feeder: f, ice: server } = await liveStream('kill', '/kill.mp3');
  const l = (listener = await listen(server, '/kill.mp3'));
  const d = () => m.details('kill')!;
  const phaseBytes = l.bytes();
  const phaseSamples = f.samplesSent;

  let killAt = 0;
  let lastPid = 0;
  for (let k = 1; k <= KILLS; k++) {
    // Each ffmpeg is killed as soon as it encodes: never healthy for long.
    const pid = await waitFor(`encoder ${k} encoding`, () => (d().encoder?.outputSince != null ? d().encoder!.pid : null), 10_000, { detail: () => JSON.stringify(d().encoder) });
    killAt = Date.now();
    lastPid = pid;
    process.kill(pid, 'SIGKILL');
    await waitFor(`the death of encoder ${k} noticed`, () => d().encoder?.pid !== pid, 5000);
  }
  // Back: a new ffmpeg encodes, its audio reaches the Icecast socket, and the status says live.
  const backAt = await waitFor(
    'the stream back after the last kill',
    () => {
      const e = d().encoder;
      const c = d().client;
      const ok = e && e.pid !== lastPid && e.outputSince !== null && c?.deliveredAt != null && c.deliveredAt >= e.outputSince && m.status('kill')!.state === 'live';
      return ok ? Date.now() : null;
    },
    10_000,
    { stepMs: 10, detail: () => JSON.stringify({ status: m.status('kill'), encoder: d().encoder }) },
  );
  const backMs = backAt - killAt;
  const phaseGot = l.bytes() - phaseBytes;
  const phaseOwed = owed(f.samplesSent - phaseSamples);

  // The window is measured on the source's own clock (samples the feeder pushed), so a test
  // process slowed down by a loaded machine owes less audio instead of failing.
  const b0 = l.bytes();
  const s0 = f.samplesSent;
  const t0 = performance.now();
  const states = new Set<StreamState>();
  const watch = setInterval(() => states.add(m.status('kill')!.state), 250);
  try {
    await sleep(WINDOW_S * 1000);
  } finally {
    clearInterval(watch);
  }
  const got = l.bytes() - b0;
  const expected = owed(f.samplesSent - s0);
  const wallS = (performance.now() - t0) / 1000;
  const st = m.status('kill')!;
  const figures = `back ${backMs} ms after the last kill; window: ${got} of ${Math.round(expected)} bytes (${((100 * got) / expected).toFixed(1)} %) over ${wallS.toFixed(1)} s wall; kill phase: ${phaseGot} of ${Math.round(phaseOwed)} bytes; dropped PCM ${st.droppedPcmMs} ms; restarts ${d().encoder!.restarts}`;
  console.log(`encoder-kill: ${figures}`);

  expect(backMs, `the stream was not back within 2 s of the last kill (${figures})`).toBeLessThanOrEqual(2000);
  expect(got / expected, `the listener got under 90 % of the audio (${figures})`).toBeGreaterThanOrEqual(0.9);
  // And not much more than was sent (a listener fed twice, or the wrong stream). The window
  // opens just after a restart, so it may carry the held backlog: up to 2 s of PCM.
  expect(got / expected, figures).toBeLessThan(1.15);
  expect([...states], `the stream left "live" during the window (${figures})`).toEqual(['live']);
  expect(st.state).toBe('live');
  expect(st.reconnects).toBe(0);
  expect(d().encoder!.restarts).toBe(KILLS);
  // The kills are over: no red "last error" on a stream that plays.
  expect(st.lastError).toBeNull();
  expect(st.droppedPcmMs).toBeGreaterThanOrEqual(0);
}, 120_000);

it('an encoder that stops (SIGSTOP) is not "live" within seconds, is found stuck, and replaced', async () => {
  // Icecast drops a source that sends nothing for its source-timeout (5 s here): a shorter
  // stall limit than the product's 3 s keeps that from coming first on a slow machine.
  const { m } = await liveStream('stop', '/stop.mp3', { deliveryStallMs: 1500 });
  const d = () => m.details('stop')!;
  await waitFor('encoding', () => d().encoder?.outputSince != null);
  const pid = d().encoder!.pid!;
  process.kill(pid, 'SIGSTOP');
  try {
    // Nothing reaches Icecast any more: the status must say so, not keep saying live.
    const stalled = await waitFor('the stall shown', () => (m.status('stop')!.state !== 'live' ? m.status('stop')! : null), 6000, { stepMs: 50 });
    expect(stalled.state).toBe('retrying');
    expect(stalled.message).toMatch(/No audio has reached Icecast for \d+ s/);
    expect(stalled.listeners).toBeNull();
    // Its stdin fills, and 5 s after that it counts as stuck: killed and replaced.
    await waitFor('a new encoder', () => d().encoder?.pid != null && d().encoder!.pid !== pid, 20_000, { detail: () => JSON.stringify(d().encoder) });
  } finally {
    // SIGKILL reaps a stopped process too; CONT for the case where the test failed first.
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      /* already gone */
    }
  }
  expect(d().encoder!.lastError).toMatch(/stopped reading its input/);
  await waitFor('live again', () => m.status('stop')!.state === 'live', 10_000, { detail: () => JSON.stringify(m.status('stop')) });
  expect(m.status('stop')!.lastError).toBeNull();
  expect(m.status('stop')!.droppedPcmMs).toBeGreaterThan(0);
}, 60_000);
