import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamConfig } from '../../../electron/contract/dto';
import { MemorySecretStore, streamPasswordKey } from '../../../electron/engine/secrets';
import { StreamManager } from '../../../electron/engine/streams/stream-manager';
import { startIcecast, type IcecastHandle } from '../../helpers/icecast';
import { connectListener, hum, loudSegment, mountInfo, RATE, RealtimeFeeder, sleep, TestBus, tone, waitFor } from '../../helpers/stream-audio';

// One server, four streams in parallel (one per format), each heard by a real HTTP listener
// whose audio a real ffmpeg decodes: the 6 s tone must arrive whole and without holes.
let ice: IcecastHandle;
let manager: StreamManager;
const managers: StreamManager[] = [];
const secrets = new MemorySecretStore();
const feeders: RealtimeFeeder[] = [];

beforeAll(async () => {
  ice = await startIcecast();
  manager = new StreamManager({ secrets });
});

afterAll(async () => {
  for (const f of feeders) f.stop();
  await manager?.close();
  await Promise.all(managers.map((m) => m.close()));
  await ice?.stop();
});

const TONE_S = 6;
const formats = [
  { format: 'mp3', bitrateKbps: 128 },
  { format: 'vorbis', bitrateKbps: 64 },
  { format: 'opus', bitrateKbps: 48 },
  { format: 'aac', bitrateKbps: 64 },
] as const;

describe.concurrent('a source streams every format to Icecast', () => {
  for (const { format, bitrateKbps } of formats) {
    it(`${format}: a listener decodes the whole tone, continuous`, async () => {
      const sourceId = `src-${format}`;
      const config: StreamConfig = {
        id: `st-${format}`, sourceId, enabled: true, format, bitrateKbps,
        host: ice.host, port: ice.port, mount: `/test-${format}`, name: `Test ${format}`, genre: 'Weather',
      };
      secrets.set(streamPasswordKey(config.id), ice.sourcePassword);
      manager.configure([...manager.configs().filter((c) => c.id !== config.id), config]);
      const bus = new TestBus(sourceId);
      const feeder = new RealtimeFeeder(bus, hum).start();
      feeders.push(feeder);
      manager.attachSource(bus, { name: `Source ${format}` });

      await waitFor(() => manager.status(config.id)?.state === 'live', `${format} live`);
      // The mount exists once Icecast has the stream: then a listener can join.
      await waitFor(() => (manager.status(config.id)?.bytesSent ?? 0) > 0, `${format} bytes`);
      const listener = await connectListener(`${ice.url}${config.mount}`, format);
      await sleep(500);
      const toneStart = feeder.setSignal(tone(1000, 0.5));
      await sleep(TONE_S * 1000);
      const toneEnd = feeder.setSignal(hum);
      await sleep(1500);

      const status = manager.status(config.id)!;
      const info = await mountInfo(ice.url, config.mount);
      manager.detachSource(sourceId);
      feeder.stop();
      const heard = await listener.done();

      const sentTone = toneEnd - toneStart;
      // (what was sent is the reference; the 6 s only needs to be roughly right)
    expect(Math.abs(sentTone / RATE - TONE_S)).toBeLessThan(0.5);
      const seg = loudSegment(heard.pcm);
      expect(seg, `${format}: no tone heard (${heard.bytes} bytes, status ${heard.status})`).not.toBeNull();
      // The tone arrives whole: sample count within 1 % of what was sent, no hole inside.
      expect(Math.abs(seg!.samples - sentTone) / sentTone).toBeLessThan(0.01);
      expect(seg!.longestGapS).toBeLessThan(0.5);
      expect(seg!.longestGapS).toBe(0);

      expect(status.state).toBe('live');
      expect(status.reconnects).toBe(0);
      expect(status.droppedBytes).toBe(0);
      expect(status.bytesSent).toBeGreaterThan(0);
      // Bitrate measured from the encoder output: near the asked rate (Vorbis and Opus are VBR).
      expect(status.bitrateKbps).not.toBeNull();
      expect(status.bitrateKbps!).toBeGreaterThan(bitrateKbps * 0.3);
      expect(status.bitrateKbps!).toBeLessThan(bitrateKbps * 1.5);
      // Our own PUT sends ice-* headers ffmpeg's icecast:// cannot.
      expect(info).not.toBeNull();
      expect(String(info!.genre)).toBe('Weather');
      expect(String(info!.server_name)).toBe(`Test ${format}`);
      expect(Number(info!.bitrate ?? info!['ice-bitrate'])).toBe(bitrateKbps);
    });
  }

  it('vorbis with the opt-in Skeleton: passes through Icecast, decodes whole, titles by new chains', async () => {
    const skelSecrets = new MemorySecretStore();
    const skel = new StreamManager({ secrets: skelSecrets, vorbisSkeleton: true });
    managers.push(skel);
    const config: StreamConfig = { id: 'st-skel', sourceId: 'src-skel', enabled: true, format: 'vorbis', bitrateKbps: 48, host: ice.host, port: ice.port, mount: '/test-skel.ogg' };
    skelSecrets.set(streamPasswordKey(config.id), ice.sourcePassword);
    skel.configure([config]);
    skel.setNowPlaying('src-skel', 'Before');
    const bus = new TestBus('src-skel');
    const feeder = new RealtimeFeeder(bus, hum).start();
    feeders.push(feeder);
    skel.attachSource(bus);
    await waitFor(() => skel.status(config.id)?.state === 'live', 'live');
    const listener = await connectListener(`${ice.url}${config.mount}`, 'vorbis');
    await sleep(500);
    const toneStart = feeder.setSignal(tone(1000, 0.5));
    await sleep(3000);
    const toneEnd = feeder.setSignal(hum);
    await sleep(1000);
    expect((await mountInfo(ice.url, config.mount))?.title).toBe('Before');
    expect(String((await mountInfo(ice.url, config.mount))?.subtype)).toMatch(/Skeleton/);
    skel.detachSource('src-skel');
    feeder.stop();
    const heard = await listener.done();
    const seg = loudSegment(heard.pcm);
    expect(seg).not.toBeNull();
    expect(Math.abs(seg!.samples - (toneEnd - toneStart)) / (toneEnd - toneStart)).toBeLessThan(0.01);
    expect(seg!.longestGapS).toBe(0);
  });
});
