import { afterAll, expect, it } from 'vitest';
import type { StreamConfig } from '../../../electron/contract/dto';
import { MemorySecretStore, streamPasswordKey } from '../../../electron/engine/secrets';
import { StreamManager } from '../../../electron/engine/streams/stream-manager';
import { alertStreamTitle } from '../../../electron/engine/streams/stream-title';
import { startIcecast, type IcecastHandle } from '../../helpers/icecast';
import { connectListener, hum, mountInfo, RealtimeFeeder, TestBus } from '../../helpers/stream-audio';
import { sleep, waitFor } from '../../helpers/wait';

let ice: IcecastHandle | null = null;
let manager: StreamManager | null = null;
let feeder: RealtimeFeeder | null = null;
afterAll(async () => {
  feeder?.stop();
  await manager?.close();
  await ice?.stop();
});

async function titleOf(mount: string): Promise<string | null> {
  const info = await mountInfo(ice!.url, mount);
  return info && info.title !== undefined ? String(info.title) : null;
}

it('the stream title follows now-playing, shows the alert, and reverts at EOM and at expiry', async () => {
  ice = await startIcecast();
  const secrets = new MemorySecretStore();
  manager = new StreamManager({ secrets });
  const base = { sourceId: 'kec61', enabled: true, host: ice.host, port: ice.port } as const;
  const streams: StreamConfig[] = [
    { ...base, id: 'm-mp3', format: 'mp3', bitrateKbps: 64, mount: '/meta.mp3' },
    { ...base, id: 'm-aac', format: 'aac', bitrateKbps: 64, mount: '/meta.aac' },
    { ...base, id: 'm-ogg', format: 'vorbis', bitrateKbps: 48, mount: '/meta.ogg' },
    { ...base, id: 'm-opus', format: 'opus', bitrateKbps: 32, mount: '/meta.opus' },
  ];
  for (const s of streams) secrets.set(streamPasswordKey(s.id), ice.sourcePassword);
  manager.configure(streams);
  manager.setNowPlaying('kec61', 'NOAA Weather Radio - Météo');
  const bus = new TestBus('kec61');
  feeder = new RealtimeFeeder(bus, hum).start();
  manager.attachSource(bus, { name: 'KEC61' });
  await waitFor('all live', () => streams.every((s) => manager!.status(s.id)?.state === 'live'));

  const polled = async (mounts: string[], want: string): Promise<void> => {
    let titles: Array<string | null> = [];
    const all = async (): Promise<boolean> => {
      titles = await Promise.all(mounts.map(titleOf));
      return titles.every((t) => t === want);
    };
    await waitFor(`the titles of ${mounts.join(', ')} to become "${want}"`, all, 10_000, { stepMs: 100, detail: () => `last seen: ${JSON.stringify(titles)}` });
  };
  // MP3/AAC/Vorbis via updinfo (Icecast rebuilds a Vorbis comment header itself).
  const updinfoMounts = ['/meta.mp3', '/meta.aac', '/meta.ogg'];
  // Non-ASCII arrives intact (updinfo with charset=UTF-8). Beyond Latin-1, 2.4.4 shows &#NNNN; for
  // MP3/AAC mounts (their default <charset> is ISO-8859-1); Vorbis keeps UTF-8.
  await polled(updinfoMounts, 'NOAA Weather Radio - Météo');

  // Opus: Icecast 2.4.4 refuses updinfo, so the title travels in a new Ogg chain's OpusTags.
  const opusListener = await connectListener(`${ice.url}/meta.opus`, 'opus', { keepRaw: true });

  const alert = { eventName: 'Tornado Warning', locations: [{ code: '029095', name: 'Jackson County, MO' }], expiresAt: '2026-06-01T19:49:00Z' };
  const alertTitle = alertStreamTitle(alert, 'America/Chicago');
  expect(alertTitle).toBe('EAS: Tornado Warning - Jackson County, MO until 14:49');
  manager.setAlert('kec61', alertTitle);
  await polled(updinfoMounts, alertTitle);
  await sleep(1000);
  opusListener.close();
  const heard = await opusListener.done();
  expect(heard.raw!.includes(Buffer.from(`TITLE=${alertTitle}`, 'utf8'))).toBe(true);
  expect(manager.details('m-opus')!.encoder!.rechains).toBeGreaterThanOrEqual(1);
  expect(manager.details('m-opus')!.titleMethod).toBe('ogg-chain');
  expect(manager.details('m-ogg')!.titleMethod).toBe('updinfo');
  expect(manager.details('m-mp3')!.titleMethod).toBe('updinfo');
  expect(manager.details('m-mp3')!.lastMetadata?.ok).toBe(true);

  // EOM: back to the now-playing.
  manager.setAlert('kec61', null);
  await polled(updinfoMounts, 'NOAA Weather Radio - Météo');

  // An alert with an expiry reverts by itself.
  manager.setAlert('kec61', 'EAS: Severe Thunderstorm Warning - Cass County, MO until 15:10', { expiresAt: Date.now() + 1500 });
  await polled(['/meta.mp3'], 'EAS: Severe Thunderstorm Warning - Cass County, MO until 15:10');
  await polled(['/meta.mp3'], 'NOAA Weather Radio - Météo');
  expect(manager.titleFor('kec61')).toBe('NOAA Weather Radio - Météo');

  // No PCM was lost to the Opus rechains.
  feeder.stop();
  await sleep(100);
  const d = manager.details('m-opus')!;
  expect(d.busGaps).toBe(0);
  expect(d.encoder!.samplesLost).toBe(0);
  expect(d.encoder!.samplesIn).toBe(d.busSamples + d.fillerSamples);
});
