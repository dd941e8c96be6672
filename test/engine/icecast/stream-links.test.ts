import { describe, expect, it } from 'vitest';
import { streamLinks } from '../../../electron/engine/icecast/stream-links';
import { serverKey } from '../../../electron/engine/icecast/server-polling';

describe('streamLinks', () => {
  it('listen URL and the playlists Icecast serves for the mount', () => {
    expect(streamLinks({ host: 'radio.example.org', port: 8000, mount: '/station.mp3' })).toEqual({
      listenUrl: 'http://radio.example.org:8000/station.mp3',
      playlistUrls: { m3u: 'http://radio.example.org:8000/station.mp3.m3u', pls: null },
    });
    expect(streamLinks({ host: '127.0.0.1', port: 8000, mount: '/a.opus' }, { pls: true }).playlistUrls.pls).toBe('http://127.0.0.1:8000/a.opus.pls');
  });

  it('TLS, default ports left out, IPv6 literals bracketed', () => {
    expect(streamLinks({ host: 'ice.example.org', port: 443, tls: true, mount: '/a.mp3' }).listenUrl).toBe('https://ice.example.org/a.mp3');
    expect(streamLinks({ host: 'ice.example.org', port: 80, mount: '/a.mp3' }).listenUrl).toBe('http://ice.example.org/a.mp3');
    expect(streamLinks({ host: 'ice.example.org', port: 8443, tls: true, mount: '/a.mp3' }).listenUrl).toBe('https://ice.example.org:8443/a.mp3');
    expect(streamLinks({ host: '::1', port: 8000, mount: '/a.mp3' }).playlistUrls.m3u).toBe('http://[::1]:8000/a.mp3.m3u');
  });
});

describe('serverKey', () => {
  it('one key per server: case and the loopback names folded', () => {
    expect(serverKey('localhost', 8000)).toBe(serverKey('127.0.0.1', 8000));
    expect(serverKey('::1', 8000)).toBe('[::1]:8000');
    expect(serverKey('Radio.Example.org.', 8000)).toBe('radio.example.org:8000');
    expect(serverKey('radio.example.org', 8001)).not.toBe(serverKey('radio.example.org', 8000));
    expect(serverKey('fe80::1', 8000)).toBe('[fe80::1]:8000');
  });
});
