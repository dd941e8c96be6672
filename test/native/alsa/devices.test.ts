import { afterEach, describe, expect, it } from 'vitest';
import { buildDeviceList, listAlsaDevices, parseCardList, parsePcmList } from '../../../native/alsa/devices';
import { cleanupAlsaFeeds, makeAlsaFeed } from '../../helpers/alsa-feed';
import { within } from '../../helpers/wait';

// What arecord prints on a laptop with a USB capture dongle (Debian 12, PipeWire).
const PCMS = `null
    Discard all samples (playback) or generate zero samples (capture)
lavrate
    Rate Converter Plugin Using Libav/FFmpeg Library
pipewire
    PipeWire Sound Server
default
    Default ALSA Output (currently PipeWire Media Server)
sysdefault:CARD=PCH
    HDA Intel PCH, ALC3246 Analog
    Default Audio Device
front:CARD=PCH,DEV=0
    HDA Intel PCH, ALC3246 Analog
    Front output / input
dsnoop:CARD=PCH,DEV=0
    HDA Intel PCH, ALC3246 Analog
    Direct sample snooping device
hw:CARD=PCH,DEV=0
    HDA Intel PCH, ALC3246 Analog
    Direct hardware device without any conversions
plughw:CARD=PCH,DEV=0
    HDA Intel PCH, ALC3246 Analog
    Hardware device with all software conversions
hw:CARD=Device,DEV=0
    USB Audio Device, USB Audio
    Direct hardware device without any conversions
`;
const CARDS = `**** List of CAPTURE Hardware Devices ****
card 0: PCH [HDA Intel PCH], device 0: ALC3246 Analog [ALC3246 Analog]
  Subdevices: 1/1
  Subdevice #0: subdevice #0
card 1: Device [USB Audio Device], device 0: USB Audio [USB Audio]
  Subdevices: 0/1
  Subdevice #0: subdevice #0
`;

describe('ALSA device list parsing', () => {
  it('reads card numbers and names from arecord -l', () => {
    expect(parseCardList(CARDS)).toEqual([
      { card: 0, id: 'PCH', name: 'HDA Intel PCH', device: 0, deviceName: 'ALC3246 Analog' },
      { card: 1, id: 'Device', name: 'USB Audio Device', device: 0, deviceName: 'USB Audio' },
    ]);
    expect(parseCardList('arecord: device_list:274: no soundcards found...\n')).toEqual([]);
  });

  it('reads PCM names and multi-line descriptions from arecord -L', () => {
    const pcms = parsePcmList(PCMS);
    expect(pcms[4]).toEqual({ name: 'sysdefault:CARD=PCH', description: 'HDA Intel PCH, ALC3246 Analog — Default Audio Device' });
  });

  it('joins both into the picker list: default first, converting names next, no non-inputs', () => {
    const list = buildDeviceList(PCMS, CARDS);
    const names = list.map((d) => d.name);
    expect(names[0]).toBe('default');
    expect(names.slice(1, 3)).toEqual(['plughw:CARD=PCH,DEV=0', 'plughw:CARD=Device,DEV=0']);
    expect(names).not.toContain('null');
    expect(names).not.toContain('lavrate');
    expect(names).toContain('hw:CARD=Device,DEV=0');
    const usb = list.find((d) => d.name === 'plughw:CARD=Device,DEV=0')!;
    expect(usb).toMatchObject({ uri: 'alsa:plughw:CARD=Device,DEV=0', card: 1, cardId: 'Device', cardName: 'USB Audio Device', device: 0, plugin: 'plughw', converts: true });
    expect(list.find((d) => d.name === 'hw:CARD=PCH,DEV=0')).toMatchObject({ card: 0, device: 0, converts: false });
    expect(list.find((d) => d.name === 'dsnoop:CARD=PCH,DEV=0')?.converts).toBe(false);
  });

  it('an empty system gives an empty list', () => {
    expect(buildDeviceList('null\n    Discard all samples\n', 'arecord: device_list:274: no soundcards found...')).toEqual([]);
  });
});

describe('listAlsaDevices (real arecord)', () => {
  afterEach(async () => {
    expect(await cleanupAlsaFeeds(), 'arecord processes left running after the test (now killed)').toEqual([]);
  });

  it('lists the PCMs of the ALSA configuration in use', async () => {
    const feed = makeAlsaFeed(new Float32Array(100));
    const list = await within('arecord -L and -l to list the feed', listAlsaDevices({ env: feed.env }), 10_000);
    expect(list.map((d) => [d.name, d.description])).toEqual([
      ['eas_feed', 'EAS test feed (file plugin)'],
    ]);
  });

  it('names a missing arecord', async () => {
    await expect(within('the missing arecord to be reported', listAlsaDevices({ env: { ...process.env, EAS_ARECORD: '/nonexistent/arecord' } }), 10_000)).rejects.toMatchObject({
      code: 'alsa_no_arecord',
      hint: expect.stringContaining('alsa-utils'),
    });
  });
});

describe('AlsaDevice matches the contract', () => {
  it('parses as AlsaDeviceInfo', async () => {
    const { AlsaDeviceInfo } = await import('../../../electron/contract/sources/alsa-uri');
    for (const d of buildDeviceList(PCMS, CARDS)) expect(AlsaDeviceInfo.parse(d)).toEqual(d);
  });
});
