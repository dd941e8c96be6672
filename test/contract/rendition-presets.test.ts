import { describe, expect, it } from 'vitest';
import {
  mountError,
  mountStem,
  presetById,
  RENDITION_PRESETS,
  renditionBaseFromListenUrl,
  renditionFromPreset,
  renditionMount,
  StreamConfig,
  type RenditionBase,
} from '../../electron/contract';

const BASE: RenditionBase = { sourceId: 'wxyz', host: 'radio.example.org', port: 8000, mount: '/wxyz-fm.mp3', enabled: true, name: 'WXYZ FM', genre: 'Emergency' };
const none = { ids: [] as string[], mounts: [] as string[] };

describe('rendition presets', () => {
  it("are the origin page's table: voice 64, music 128, high quality 192 MP3, low bandwidth 48 Opus", () => {
    expect(RENDITION_PRESETS.map((p) => [p.id, p.format, p.bitrateKbps])).toEqual([
      ['voice', 'mp3', 64],
      ['music', 'mp3', 128],
      ['high', 'mp3', 192],
      ['low', 'opus', 48],
    ]);
  });

  it('makes a valid stream on the same server, named after the source mount, switched like the others', () => {
    const c = renditionFromPreset(presetById('voice')!, BASE, { ids: ['wxyz-mp3'], mounts: ['/wxyz-fm.mp3'] });
    expect(c).toEqual({
      id: 'wxyz-voice',
      sourceId: 'wxyz',
      enabled: true,
      format: 'mp3',
      bitrateKbps: 64,
      host: 'radio.example.org',
      port: 8000,
      mount: '/wxyz-fm-voice.mp3',
      name: 'WXYZ FM (Voice)',
      genre: 'Emergency',
    });
    expect(StreamConfig.safeParse(c).success).toBe(true);
    const low = renditionFromPreset(presetById('low')!, { ...BASE, enabled: false, tls: true, username: 'feeder' }, none);
    expect(low).toMatchObject({ mount: '/wxyz-fm-low.opus', format: 'opus', bitrateKbps: 48, enabled: false, tls: true, username: 'feeder' });
  });

  it('keeps id and mount unique, and names a rendition of a rendition after the source', () => {
    const taken = { ids: ['wxyz-hq'], mounts: ['/wxyz-fm-hq.mp3', '/WXYZ-FM-HQ-2.mp3'] };
    const c = renditionFromPreset(presetById('high')!, BASE, taken);
    expect(c.id).toBe('wxyz-hq-2');
    expect(c.mount).toBe('/wxyz-fm-hq-3.mp3');
    expect(mountStem('/wxyz-fm-voice.mp3')).toBe('wxyz-fm');
    expect(mountStem('/wxyz-fm-low-2.opus')).toBe('wxyz-fm');
    expect(renditionMount('/wxyz-fm-voice.mp3', presetById('music')!, [])).toBe('/wxyz-fm-music.mp3');
  });

  it("stays within Icecast's 64-character mount names", () => {
    const long = `/${'a'.repeat(60)}.mp3`;
    const m = renditionMount(long, presetById('voice')!, [`/${'a'.repeat(54)}-voice.mp3`]);
    expect(m.length).toBeLessThanOrEqual(65);
    expect(mountError(m)).toBeNull();
    expect(m.endsWith('-voice-2.mp3')).toBe(true);
  });

  it('reads the server of a run-only stream from its listen URL', () => {
    expect(renditionBaseFromListenUrl('wx', 'http://127.0.0.1:8123/wx.mp3', true)).toEqual({ sourceId: 'wx', host: '127.0.0.1', port: 8123, tls: false, mount: '/wx.mp3', enabled: true });
    expect(renditionBaseFromListenUrl('wx', 'https://[::1]/wx.mp3', false)).toMatchObject({ host: '::1', port: 443, tls: true });
    expect(renditionBaseFromListenUrl('wx', 'not a url', true)).toBeNull();
  });
});
