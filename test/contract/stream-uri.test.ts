import { describe, expect, it } from 'vitest';
import { StreamConfig } from '../../electron/contract/dto';
import { defaultMount, mountError, parseStreamUri, redactStreamUri, streamUriOf, StreamUriError } from '../../electron/contract/stream-uri';

const ids = { id: 'kec61-mp3', sourceId: 'kec61' };

function partOf(uri: string): string {
  try {
    parseStreamUri(uri, ids);
  } catch (err) {
    expect(err).toBeInstanceOf(StreamUriError);
    expect((err as Error).message).not.toContain('s3cr3t');
    return (err as StreamUriError).part;
  }
  throw new Error(`parsed: ${uri}`);
}

describe('parseStreamUri', () => {
  it('parses the documented form into a valid StreamConfig and a separate password', () => {
    const { config, password } = parseStreamUri('icecast://source:s3cr3t@radio.example.org:8000/weather.mp3?format=mp3&bitrate=128&name=KEC61%20Weather&public=0', ids);
    expect(password).toBe('s3cr3t');
    expect(config).toEqual({
      id: 'kec61-mp3', sourceId: 'kec61', enabled: true, format: 'mp3', bitrateKbps: 128,
      host: 'radio.example.org', port: 8000, mount: '/weather.mp3', name: 'KEC61 Weather', public: false,
    });
    expect(StreamConfig.safeParse(config).success).toBe(true);
    expect(JSON.stringify(config)).not.toContain('s3cr3t');
  });

  it('defaults, TLS, IPv6, other users, %-encoded passwords', () => {
    const a = parseStreamUri('icecasts://dj:p%40ss%3Aw%2Frd@[::1]/live.opus?format=opus', ids);
    expect(a.password).toBe('p@ss:w/rd');
    expect(a.config).toMatchObject({ host: '::1', port: 8000, tls: true, username: 'dj', format: 'opus', bitrateKbps: 48 });
    const b = parseStreamUri('icecast://source:x@10.0.0.5:8443/a.aac?format=aac&bitrate=64k&tls=1&genre=News', ids);
    expect(b.config).toMatchObject({ tls: true, bitrateKbps: 64, genre: 'News', format: 'aac' });
    expect(b.config.username).toBeUndefined();
  });

  it('names the part at fault', () => {
    expect(partOf('http://source:s3cr3t@h:8000/a.mp3')).toBe('scheme');
    expect(partOf('icecast:h:8000/a.mp3')).toBe('scheme');
    expect(partOf('icecast://h:8000/a.mp3')).toBe('password');
    expect(partOf('icecast://source@h:8000/a.mp3')).toBe('password');
    expect(partOf('icecast://source:@h:8000/a.mp3')).toBe('password');
    expect(partOf('icecast://:s3cr3t@h:8000/a.mp3')).toBe('user');
    expect(partOf('icecast://source:s3cr3t@:8000/a.mp3')).toBe('host');
    expect(partOf('icecast://source:s3cr3t@bad_host!:8000/a.mp3')).toBe('host');
    expect(partOf('icecast://source:s3cr3t@h:99999/a.mp3')).toBe('port');
    expect(partOf('icecast://source:s3cr3t@h:80x/a.mp3')).toBe('port');
    expect(partOf('icecast://source:s3cr3t@h:8000')).toBe('mount');
    expect(partOf('icecast://source:s3cr3t@h:8000/bad mount')).toBe('mount');
    expect(partOf('icecast://source:s3cr3t@h:8000/admin.mp3')).toBe('mount');
    expect(partOf('icecast://source:s3cr3t@h:8000/a.mp3?format=flac')).toBe('format');
    expect(partOf('icecast://source:s3cr3t@h:8000/a.mp3?bitrate=1000')).toBe('bitrate');
    expect(partOf('icecast://source:s3cr3t@h:8000/a.mp3?public=maybe')).toBe('public');
    expect(partOf('icecast://source:s3cr3t@h:8000/a.mp3?bitrat=128')).toBe('bitrat');
  });
});

describe('redaction', () => {
  it('masks the password of every stream URI in a text', () => {
    const text = 'serve --stream icecast://source:s3cr3t@h:8000/a.mp3 --stream icecasts://dj:p%40ss@h/b.opus?format=opus';
    const red = redactStreamUri(text);
    expect(red).not.toContain('s3cr3t');
    expect(red).not.toContain('p%40ss');
    expect(red).toContain('icecast://source:***@h:8000/a.mp3');
    expect(red).toContain('icecasts://dj:***@h/b.opus');
  });

  it('shows a config as a URI without its password', () => {
    const { config } = parseStreamUri('icecast://source:s3cr3t@[::1]:8000/a.mp3?bitrate=96', ids);
    expect(streamUriOf(config)).toBe('icecast://source:***@[::1]:8000/a.mp3?format=mp3&bitrate=96');
  });
});

describe('mounts', () => {
  it('default mount from the source name, sanitised, unique among taken ones', () => {
    expect(defaultMount('NOAA Weather Radio KEC-61', 'mp3')).toBe('/noaa-weather-radio-kec-61.mp3');
    expect(defaultMount('Météo / Québec!!', 'opus')).toBe('/meteo-quebec.opus');
    expect(defaultMount('  ', 'vorbis')).toBe('/stream.ogg');
    expect(defaultMount('気象', 'aac')).toBe('/stream.aac');
    expect(defaultMount('Admin', 'mp3')).toBe('/stream-admin.mp3');
    expect(defaultMount('Scanner', 'mp3', ['/scanner.mp3', '/scanner-2.mp3'])).toBe('/scanner-3.mp3');
    const long = defaultMount('x'.repeat(200), 'opus');
    expect(long.length).toBeLessThanOrEqual(65);
    for (const m of [long, defaultMount('a.b..c--d', 'mp3')]) expect(mountError(m)).toBeNull();
  });

  it('refuses mounts Icecast would shadow or that players mishandle (in settings too)', () => {
    const base = parseStreamUri('icecast://source:x@h:8000/a.mp3', ids).config;
    expect(StreamConfig.safeParse({ ...base, mount: '/admin.mp3' }).success).toBe(false);
    expect(StreamConfig.safeParse({ ...base, mount: '/status.xsl' }).success).toBe(false);
    expect(mountError('/ok-name_1.mp3')).toBeNull();
    expect(mountError('no-slash')).toMatch(/a "\/" then/);
    expect(mountError('/a b')).toMatch(/a "\/" then/);
    expect(mountError('/admin/stats')).toMatch(/a "\/" then|admin/);
    expect(mountError('/adminx.mp3')).toMatch(/admin/);
    expect(mountError('/status-json.xsl')).toMatch(/Icecast's own/);
    expect(mountError('/..')).toMatch(/not a name/);
  });
});
