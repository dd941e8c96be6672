import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { icyTitle, IcyDemuxer, parseIcyMetadata } from '../../../native/http-stream/icy';
import { classifyByHeaders, parseM3u, parsePls, sniffPlaylist } from '../../../native/http-stream/playlist';
import { fromNetworkError } from '../../../native/http-stream/errors';
import { fromFfmpegStderr } from '../../../native/http-stream/stream';
import { withIcy } from '../../helpers/stream-server';

describe('ICY metadata', () => {
  it('parses titles, including quotes inside them', () => {
    expect(parseIcyMetadata("StreamTitle='Guns N' Roses - Patience';StreamUrl='http://x/';")).toEqual({ StreamTitle: "Guns N' Roses - Patience", StreamUrl: 'http://x/' });
    expect(icyTitle("StreamTitle='';")).toBeNull();
    expect(icyTitle("StreamTitle='  NOAA Weather Radio KEC61 ';")).toBe('NOAA Weather Radio KEC61');
    expect(icyTitle('garbage')).toBeNull();
  });

  it('strips the metadata from the audio at any chunking', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 3000 }), fc.integer({ min: 1, max: 300 }), fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 20 }), (audio, metaint, cuts) => {
        const titles: string[] = [];
        const wire = withIcy(Buffer.from(audio), metaint, (i) => (i % 3 === 1 ? null : `Song ${i} – é`));
        const got: number[] = [];
        const d = new IcyDemuxer(metaint, (c) => got.push(...c), (t) => titles.push(icyTitle(t)!));
        let pos = 0;
        for (let k = 0; pos < wire.length; k++) {
          const n = cuts[k % cuts.length]!;
          d.push(wire.subarray(pos, pos + n));
          pos += n;
        }
        expect(Buffer.from(got).equals(Buffer.from(audio))).toBe(true);
        const blocks = Math.floor(audio.length / metaint);
        expect(titles).toEqual(Array.from({ length: blocks }, (_, i) => i).filter((i) => i % 3 !== 1).map((i) => `Song ${i} – é`));
      }),
      { numRuns: 200 },
    );
  });
});

describe('playlists', () => {
  const base = 'http://radio.example.org/lists/station.m3u';
  it('reads M3U (relative entries, comments) and PLS (in FileN order)', () => {
    expect(parseM3u('#EXTM3U\r\n#EXTINF:-1,Station\r\nstream.mp3\r\n\r\nhttps://cdn.example.org/a.aac\r\nrtsp://no\r\n', base)).toEqual([
      'http://radio.example.org/lists/stream.mp3',
      'https://cdn.example.org/a.aac',
    ]);
    expect(parsePls('[playlist]\nNumberOfEntries=2\nFile2=http://b/\nTitle1=x\nFile1=http://a/\nVersion=2\n', base)).toEqual(['http://a/', 'http://b/']);
  });

  it('tells playlists, HLS and audio apart by headers and body', () => {
    expect(classifyByHeaders('audio/mpeg', 'http://h/x')).toBe('audio');
    expect(classifyByHeaders('audio/x-scpls', 'http://h/x')).toBe('pls');
    expect(classifyByHeaders('application/vnd.apple.mpegurl', 'http://h/x')).toBe('hls');
    expect(classifyByHeaders('audio/x-mpegurl', 'http://h/live.m3u8')).toBe('hls');
    expect(classifyByHeaders('text/plain', 'http://h/a.pls')).toBe('pls');
    expect(classifyByHeaders(undefined, 'http://h/stream')).toBe('audio');
    expect(classifyByHeaders('application/octet-stream', 'http://h/x.m3u')).toBe('m3u');
    expect(classifyByHeaders('text/html; charset=utf-8', 'http://h/')).toBeNull();
    expect(sniffPlaylist('\ufeff#EXTM3U\n#EXT-X-TARGETDURATION:6\n')).toBe('hls');
    expect(sniffPlaylist('[Playlist]\nFile1=http://a/\n')).toBe('pls');
    expect(sniffPlaylist('http://a/stream\n')).toBe('m3u');
    expect(sniffPlaylist('<!doctype html>')).toBeNull();
  });
});

describe('error naming', () => {
  const url = 'https://user:pw@radio.example.org:8443/live';
  it('names socket failures with hints and no credentials', () => {
    const dns = fromNetworkError(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }), url, false);
    expect(dns).toMatchObject({ code: 'dns_failed', message: 'cannot resolve radio.example.org:8443 (ENOTFOUND)' });
    expect(fromNetworkError(Object.assign(new Error('x'), { code: 'CERT_HAS_EXPIRED' }), url, false).code).toBe('tls_failed');
    expect(fromNetworkError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), url, true).code).toBe('stream_dropped');
    for (const e of [dns]) expect(`${e.message} ${e.hint}`).not.toContain('pw');
  });

  it('names what ffmpeg reports for URLs it opens itself (HLS)', () => {
    expect(fromFfmpegStderr('[https @ 0x1] HTTP error 404 Not Found\nServer returned 404 Not Found\n', url, 0).code).toBe('http_not_found');
    expect(fromFfmpegStderr('[tcp @ 0x1] Connection to tcp://h:80 failed: Connection refused\n', url, 0).code).toBe('connection_refused');
    expect(fromFfmpegStderr('[tcp @ 0x1] Failed to resolve hostname h: Name or service not known\n', url, 0).code).toBe('dns_failed');
    const dropped = fromFfmpegStderr('https://user:pw@h/x: end of file\n', url, 100);
    expect(dropped.code).toBe('stream_dropped');
    expect(dropped.message).not.toContain('pw');
  });
});
