import { describe, expect, it } from 'vitest';
import { parseSourceUri, SourceUri, SourceUriError } from '../../electron/contract/sources/uri';
import { AlsaDeviceInfo, formatAlsaUri, parseAlsaUri } from '../../electron/contract/sources/alsa-uri';

function partOf(uri: string): string {
  try {
    parseSourceUri(uri);
  } catch (err) {
    if (err instanceof SourceUriError) return err.part;
    throw err;
  }
  throw new Error(`${uri} was accepted`);
}

describe('alsa: URIs', () => {
  it('accepts the device names arecord -L lists', () => {
    for (const dev of ['default', 'hw:1,0', 'plughw:CARD=Device,DEV=0', 'sysdefault:CARD=PCH', 'dsnoop:CARD=PCH,DEV=0', 'pulse', "plug:'hw:1,0'", 'front:CARD=Generic,DEV=0']) {
      expect(parseSourceUri(`alsa:${dev}`)).toEqual({ kind: 'alsa', device: dev, rate: 22050, channels: 1 });
    }
  });

  it('takes the capture format as parameters and round-trips', () => {
    const spec = parseSourceUri('alsa:hw:1,0?rate=48000&channels=2');
    expect(spec).toEqual({ kind: 'alsa', device: 'hw:1,0', rate: 48000, channels: 2 });
    expect(formatAlsaUri({ device: 'hw:1,0', rate: 48000, channels: 2 })).toBe('alsa:hw:1,0?rate=48000&channels=2');
    expect(formatAlsaUri({ device: 'default', rate: 22050, channels: 1 })).toBe('alsa:default');
    expect(parseAlsaUri('plughw%3ACARD%3DX%2CDEV%3D0').device).toBe('plughw:CARD=X,DEV=0');
  });

  it('names the part at fault', () => {
    expect(partOf('alsa:')).toBe('device');
    expect(partOf('alsa:-D evil')).toBe('device');
    expect(partOf('alsa:hw:1,0 ; rm')).toBe('device');
    expect(partOf('alsa:default?rate=abc')).toBe('rate');
    expect(partOf('alsa:default?rate=44100.5')).toBe('rate');
    expect(partOf('alsa:default?channels=0')).toBe('channels');
    expect(partOf('alsa:default?chanels=2')).toBe('chanels');
    expect(SourceUri.safeParse('alsa:default?rate=1').error?.issues[0]?.message).toMatch(/^rate: /);
  });

  it('describes a device for the picker', () => {
    const d = { name: 'default', uri: 'alsa:default', description: 'Default', cardId: null, card: null, cardName: null, device: null, plugin: 'default', converts: true };
    expect(AlsaDeviceInfo.parse(d)).toEqual(d);
  });
});

describe('http(s): URIs', () => {
  it('keeps the whole URL, query included, and drops the fragment', () => {
    expect(parseSourceUri('https://radio.example.org:8443/live.mp3?sid=1#x')).toEqual({ kind: 'http', url: 'https://radio.example.org:8443/live.mp3?sid=1' });
    expect(parseSourceUri('http://127.0.0.1:8000/list.pls')).toEqual({ kind: 'http', url: 'http://127.0.0.1:8000/list.pls' });
    expect(parseSourceUri('HTTP://Example.org/a.m3u8')).toEqual({ kind: 'http', url: 'http://example.org/a.m3u8' });
  });

  it('names the part at fault and never echoes a password', () => {
    expect(partOf('http:radio.example.org')).toBe('host');
    expect(partOf('http://')).toBe('host');
    expect(partOf('http://exa mple.org/')).toBe('path');
    expect(partOf('https://[::1/stream')).toBe('host');
    try {
      parseSourceUri('http://user:secret@[bad/');
    } catch (err) {
      expect((err as Error).message).not.toContain('secret');
    }
  });
});
