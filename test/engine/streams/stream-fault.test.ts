import { afterEach, expect, it } from 'vitest';
import type { StreamConfig, StreamState } from '../../../electron/contract/dto';
import { MemorySecretStore, streamPasswordKey } from '../../../electron/engine/secrets';
import { StreamManager } from '../../../electron/engine/streams/stream-manager';
import { startIcecast, type IcecastHandle } from '../../helpers/icecast';
import { connectListener, hum, loudSegment, RATE, RealtimeFeeder, TestBus, tone } from '../../helpers/stream-audio';
import { sleep, waitFor } from '../../helpers/wait';

let ice: IcecastHandle | null = null;
let manager: StreamManager | null = null;
let feeder: RealtimeFeeder | null = null;

afterEach(async () => {
  feeder?.stop();
  await manager?.close();
  await ice?.stop();
  ice = null;
  manager = null;
  feeder = null;
});

it('icecast killed mid-stream and back later: live again at the probe, before the backoff, one reconnect, no PCM lost', async () => {
  ice = await startIcecast();
  const secrets = new MemorySecretStore();
  manager = new StreamManager({ secrets });
  const config: StreamConfig = { id: 'fault', sourceId: 'src', enabled: true, format: 'mp3', bitrateKbps: 128, host: ice.host, port: ice.port, mount: '/fault.mp3' };
  // An Ogg rendition too: a new connection must start with the stream's header pages again.
  const opus: StreamConfig = { ...config, id: 'fault-opus', format: 'opus', bitrateKbps: 48, mount: '/fault.opus' };
  const vorbis: StreamConfig = { ...config, id: 'fault-ogg', format: 'vorbis', bitrateKbps: 48, mount: '/fault.ogg' };
  for (const c of [config, opus, vorbis]) secrets.set(streamPasswordKey(c.id), ice.sourcePassword);
  manager.configure([config, opus, vorbis]);
  const states: StreamState[] = [];
  manager.on('changed', (all) => {
    const s = all.find((x) => x.streamId === 'fault')!.state;
    if (states[states.length - 1] !== s) states.push(s);
  });
  const bus = new TestBus('src');
  feeder = new RealtimeFeeder(bus, hum).start();
  manager.attachSource(bus);
  const allLive = (): boolean => ['fault', 'fault-opus', 'fault-ogg'].every((id) => manager!.status(id)?.state === 'live');
  await waitFor('first live', allLive);
  await sleep(1500);

  ice.kill('SIGKILL');
  await waitFor('the drop to be noticed', () => manager!.status('fault')?.state !== 'live', 15_000);
  // The outage lasts until the backoff has grown well past the probe's 500 ms and an Icecast
  // restart on a busy machine, so what brings the stream back is known without a clock window.
  const retry = await waitFor(
    'the backoff to have grown to 6 s',
    () => {
      const c = manager!.details('fault')?.client;
      return c?.nextAttemptAt && c.nextAttemptAt - Date.now() >= 6000 ? c : null;
    },
    30_000,
  );
  const down = manager.status('fault')!;
  expect(down.state).toBe('retrying');
  expect(down.message).toMatch(/unreachable|lost|closed/);
  expect(down.lastError).toMatch(/unreachable|lost|closed/);

  await ice.restart();
  const state = (): string => JSON.stringify({ status: manager!.status('fault'), client: manager!.details('fault')?.client, now: Date.now() }) + `\n${ice!.logs().slice(-1500)}`;
  await waitFor('live after restart', () => manager!.status('fault')?.state === 'live', 20_000, { detail: state });
  // Before the attempt the backoff had scheduled: the probe (a TCP connect every 500 ms while
  // the server is away) noticed it coming back.
  expect(Date.now()).toBeLessThan(retry.nextAttemptAt!);

  // The stream carries audio again: a listener hears a tone sent after the restart.
  await waitFor('the Ogg renditions live after restart', allLive, 20_000);
  const listener = await connectListener(`${ice.url}${config.mount}`, 'mp3');
  const opusListener = await connectListener(`${ice.url}${opus.mount}`, 'opus');
  const vorbisListener = await connectListener(`${ice.url}${vorbis.mount}`, 'vorbis');
  await sleep(300);
  const t0 = feeder.setSignal(tone(880, 0.5));
  await sleep(2000);
  const t1 = feeder.setSignal(hum);
  await sleep(800);

  feeder.stop();
  await sleep(100);
  const status = manager.status('fault')!;
  const d = manager.details('fault')!;
  const oggStatus = [manager.status('fault-opus')!, manager.status('fault-ogg')!];
  const oggDetails = [manager.details('fault-opus')!, manager.details('fault-ogg')!];
  manager.detachSource('src');
  const heard = await listener.done();
  const heardOpus = await opusListener.done();
  const heardVorbis = await vorbisListener.done();

  expect(status.state).toBe('live');
  expect(status.reconnects).toBe(1);
  // The outage is over: its error no longer shows on the live stream.
  expect(status.lastError).toBeNull();
  // Every bus sample reached the encoder, in order: no gap in the bus counter, nothing lost.
  expect(d.busGaps).toBe(0);
  expect(d.busSamples).toBe(feeder.samplesSent);
  expect(d.encoder!.samplesIn).toBe(d.busSamples + d.fillerSamples);
  expect(d.fillerSamples).toBe(0);
  expect(d.encoder!.samplesLost).toBe(0);
  expect(d.encoder!.restarts).toBe(0);
  // What the network could not carry while the server was away was dropped (and counted).
  expect(status.droppedBytes).toBeGreaterThan(0);
  expect(states).toEqual(expect.arrayContaining(['live', 'retrying']));
  expect(states.indexOf('retrying')).toBeGreaterThan(states.indexOf('live'));

  for (const pcm of [heard.pcm, heardOpus.pcm, heardVorbis.pcm]) {
    const seg = loudSegment(pcm);
    expect(seg).not.toBeNull();
    expect(Math.abs(seg!.samples - (t1 - t0)) / RATE).toBeLessThan(0.05);
    expect(seg!.longestGapS).toBe(0);
  }
  for (const s of oggStatus) expect(s.reconnects).toBe(1);
  for (const od of oggDetails) {
    expect(od.busGaps).toBe(0);
    expect(od.encoder!.samplesIn).toBe(d.encoder!.samplesIn);
    expect(od.encoder!.restarts).toBe(0);
  }
});
