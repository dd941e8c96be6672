import { describe, expect, it } from 'vitest';
import { decodeCharRefs, parseAdminStatsXml, parseStatusJson } from '../../../native/icecast/stats';
import { IcecastError, NotIcecastError } from '../../../native/icecast/errors';
import { LenientJsonError, parseLenientJson } from '../../../native/icecast/lenient-json';

// Shapes as Icecast 2.4.4 writes them (captured from the real server, rebuilt here by code).
const serverJson = {
  admin: 'ops@example.org',
  host: '127.0.0.1',
  location: 'Earth',
  server_id: 'Icecast 2.4.4',
  server_start: 'Tue, 24 Nov 2026 05:14:12 +0000',
  server_start_iso8601: '2026-11-24T05:14:12+0000',
};

function jsonSource(mount: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    genre: 'various', listener_peak: 3, listeners: 2, listenurl: `http://127.0.0.1:8000${mount}`,
    server_description: 'Unspecified description', server_name: 'Test', server_type: 'audio/mpeg',
    stream_start: 'Tue, 24 Nov 2026 05:14:17 +0000', stream_start_iso8601: '2026-11-24T05:14:17+0000', ...extra, dummy: null,
  };
}

function statusJson(source?: unknown): string {
  const icestats: Record<string, unknown> = { ...serverJson };
  if (source !== undefined) icestats.source = source;
  else icestats.dummy = null;
  return JSON.stringify({ icestats });
}

function xmlSource(mount: string, fields: Record<string, string | number>): string {
  const inner = Object.entries(fields).map(([k, v]) => `<${k}>${v}</${k}>`).join('');
  return `<source mount="${mount}">${inner}</source>`;
}

function adminXml(sources: string[], listeners = 0): string {
  return `<?xml version="1.0"?>\n<icestats><admin>ops@example.org</admin><client_connections>9</client_connections><clients>${sources.length + 1 + listeners}</clients><connections>12</connections><file_connections>0</file_connections><host>127.0.0.1</host><listener_connections>4</listener_connections><listeners>${listeners}</listeners><location>Earth</location><server_id>Icecast 2.4.4</server_id><server_start>Tue, 24 Nov 2026 05:14:12 +0000</server_start><server_start_iso8601>2026-11-24T05:14:12+0000</server_start_iso8601><source_client_connections>2</source_client_connections><sources>${sources.length}</sources><stats>0</stats>${sources.join('')}</icestats>`;
}

const mp3Fields = {
  genre: 'various', listener_peak: 4, listeners: 3, listenurl: 'http://127.0.0.1:8000/a.mp3', max_listeners: 'unlimited', public: 0,
  server_description: 'Unspecified description', server_name: 'Test MP3', server_type: 'audio/mpeg', slow_listeners: 0,
  source_ip: '127.0.0.1', stream_start: 'Tue, 24 Nov 2026 05:14:17 +0000', stream_start_iso8601: '2026-11-24T05:14:17+0000',
  title: 'B&#xE9;&amp;#10003;', total_bytes_read: 275271, total_bytes_sent: 81843, user_agent: 'Lavf/58.24.100',
};
const opusFields = {
  ...mp3Fields, listeners: 0, listener_peak: 0, listenurl: 'http://127.0.0.1:8000/b.opus', server_type: 'application/ogg', subtype: 'Opus',
  title: '', audio_info: 'channels=1;samplerate=48000;bitrate=48', max_listeners: 50, public: 1,
};

describe('/status-json.xsl parsing', () => {
  it('no mounts: `source` absent', () => {
    const r = parseStatusJson(statusJson());
    expect(r.mounts).toEqual([]);
    expect(r.server.serverId).toBe('Icecast 2.4.4');
    expect(r.server.version).toBe('2.4.4');
    expect(r.server.startedAt).toBe('2026-11-24T05:14:12+0000');
    expect(r.server.totals.listeners).toBe(0);
    expect(r.server.totals.sources).toBe(0);
  });

  it('one mount: `source` is an object', () => {
    const r = parseStatusJson(statusJson(jsonSource('/a.mp3', { title: 'Now & then' })));
    expect(r.mounts).toHaveLength(1);
    expect(r.mounts[0]).toMatchObject({ mount: '/a.mp3', listeners: 2, peakListeners: 3, contentType: 'audio/mpeg', title: 'Now & then', bytesSent: null });
    expect(r.server.totals.listeners).toBe(2);
  });

  it('two mounts: `source` is an array; Icecast char refs in titles decoded', () => {
    const r = parseStatusJson(statusJson([jsonSource('/a.mp3', { title: 'Bé&#10003;' }), jsonSource('/b%20c.ogg', { server_type: 'application/ogg', subtype: 'Vorbis', listeners: 5 })]));
    expect(r.mounts.map((m) => m.mount)).toEqual(['/a.mp3', '/b c.ogg']);
    expect(r.mounts[0].title).toBe('Bé✓');
    expect(r.mounts[1].subtype).toBe('Vorbis');
    expect(r.server.totals.listeners).toBe(7);
    expect(r.server.totals.sources).toBe(2);
  });

  it('invalid JSON from a server that never had a source reads as no mounts', () => {
    // What 2.4.4 serves in the first ~0.5 s after it starts: the opening { of icestats is missing.
    const broken = `{"icestats":"server_start":"Tue, 24 Nov 2026 05:22:14 +0000","server_start_iso8601":"2026-11-24T05:22:14+0000","dummy":null}}`;
    const r = parseStatusJson(broken);
    expect(r.mounts).toEqual([]);
    expect(r.server.startedAt).toBe('2026-11-24T05:22:14+0000');
    expect(r.server.serverId).toBeNull();
    const later = parseStatusJson(`{"icestats":{"server_id":"Icecast 2.4.4","host":"127.0.0.1",}}`);
    expect(later.server).toMatchObject({ serverId: 'Icecast 2.4.4', host: '127.0.0.1' });
  });

  it('not Icecast: named error', () => {
    expect(() => parseStatusJson('<html>nginx</html>')).toThrow(NotIcecastError);
    expect(() => parseStatusJson('{"status":"ok"}')).toThrow(NotIcecastError);
  });
});

describe('/admin/stats parsing', () => {
  it('no mounts', () => {
    const r = parseAdminStatsXml(adminXml([]));
    expect(r.mounts).toEqual([]);
    expect(r.server).toMatchObject({ serverId: 'Icecast 2.4.4', version: '2.4.4', host: '127.0.0.1', location: 'Earth', admin: 'ops@example.org' });
    expect(r.server.totals).toEqual({ listeners: 0, sources: 0, clients: 1, connections: 12 });
  });

  it('one mount (still a list), every field typed', () => {
    const r = parseAdminStatsXml(adminXml([xmlSource('/a.mp3', mp3Fields)], 3));
    expect(r.mounts).toEqual([
      {
        mount: '/a.mp3', listeners: 3, peakListeners: 4, bitrate: null, contentType: 'audio/mpeg', subtype: null, title: 'Bé✓', artist: null,
        name: 'Test MP3', description: 'Unspecified description', genre: 'various', public: false, streamStart: '2026-11-24T05:14:17+0000',
        listenUrl: 'http://127.0.0.1:8000/a.mp3', bytesRead: 275271, bytesSent: 81843, slowListeners: 0, maxListeners: null,
        sourceIp: '127.0.0.1', userAgent: 'Lavf/58.24.100',
      },
    ]);
    // <clients> counts our own poll and the source: the figure to show is listeners.
    expect(r.server.totals.listeners).toBe(3);
    expect(r.server.totals.clients).toBe(5);
  });

  it('two mounts; bitrate from audio_info; numeric-looking titles stay strings', () => {
    const r = parseAdminStatsXml(adminXml([xmlSource('/a.mp3', { ...mp3Fields, title: '0123' }), xmlSource('/b.opus', opusFields)]));
    expect(r.mounts.map((m) => m.mount)).toEqual(['/a.mp3', '/b.opus']);
    expect(r.mounts[0].title).toBe('0123');
    expect(r.mounts[1]).toMatchObject({ bitrate: 48, subtype: 'Opus', title: null, maxListeners: 50, public: true });
  });

  it('not Icecast: named error', () => {
    expect(() => parseAdminStatsXml('<html><body>Welcome to nginx</body></html>')).toThrow(NotIcecastError);
    expect(() => parseAdminStatsXml('')).toThrow(NotIcecastError);
  });

  it('decodeCharRefs leaves other text alone', () => {
    expect(decodeCharRefs('A &amp; B &#65;&#x42; &#xZZ; &#0;')).toBe('A &amp; B AB &#xZZ; &#0;');
  });
});

// Bodies exactly as Icecast 2.4.4 served them (captured from Debian's icecast2 with the stock
// status-json.xsl/xml2json.xslt), and as reported upstream in xiph/Icecast-Server #38 and #43.
describe("/status-json.xsl quirks: Icecast 2.4's own invalid JSON", () => {
  const listenurl = 'http://127.0.0.1:8000/live.mp3';
  const source = (title: string, listeners = 1): string =>
    `{"genre":"various","listener_peak":1,"listeners":${listeners},"listenurl":"${listenurl}","server_description":"Unspecified description","server_name":"Unspecified name","server_type":"audio/mpeg","stream_start":"Tue, 01 Dec 2026 18:42:54 +0000","stream_start_iso8601":"2026-12-01T18:42:54+0000","title":${title},"dummy":null}`;
  const head = `{"icestats":{"admin":"eas-console@localhost","host":"127.0.0.1","location":"EAS Monitor Console","server_id":"Icecast 2.4.4","server_start":"Tue, 01 Dec 2026 18:42:53 +0000","server_start_iso8601":"2026-12-01T18:42:53+0000",`;

  it('a server starting up: icestats lost its "{" and the document ends in "}}" (#38)', () => {
    const ours = `{"icestats":"server_start":"Tue, 01 Dec 2026 18:43:07 +0000","server_start_iso8601":"2026-12-01T18:43:07+0000","dummy":null}}`;
    const upstream = `{"icestats":"server_start":"Sat, 03 Oct 2020 15:45:30 +0200","server_start_iso8601":"2020-10-03T15:45:30+0200","dummy":null}}`;
    for (const body of [ours, upstream]) {
      expect(() => JSON.parse(body)).toThrow();
      const r = parseStatusJson(body);
      expect(r.mounts).toEqual([]);
      expect(r.server.startedAt).toMatch(/^20\d\d-\d\d-\d\dT/);
      expect(r.server.totals).toMatchObject({ listeners: 0, sources: 0 });
    }
  });

  it('a stream titled "-": `"title":-,` unquoted (#43, #74), one mount as an object', () => {
    const body = `${head}"source":${source('-')}}}`;
    expect(() => JSON.parse(body)).toThrow();
    const r = parseStatusJson(body);
    expect(r.mounts).toHaveLength(1);
    expect(r.mounts[0]).toMatchObject({ mount: '/live.mp3', listeners: 1, peakListeners: 1, title: '-', contentType: 'audio/mpeg' });
    expect(r.server).toMatchObject({ serverId: 'Icecast 2.4.4', host: '127.0.0.1' });
    expect(r.server.totals.listeners).toBe(1);
  });

  it('the same in the pretty-printed form of the report (#43), with a space after the colon', () => {
    const body = `{\n  "icestats": {\n    "server_id": "Icecast 2.4.4",\n    "source": {\n      "listener_peak": 0,\n      "listeners": 0,\n      "listenurl": "http://localhost:8000/mpd",\n      "title": -,\n      "dummy": null\n    }\n  }\n  }`;
    const r = parseStatusJson(body);
    expect(r.mounts).toMatchObject([{ mount: '/mpd', listeners: 0, title: '-' }]);
  });

  it('every number-like title Icecast leaves unquoted reads back as the title; an array of mounts', () => {
    // What 2.4.4 wrote for each title (measured): all invalid JSON.
    for (const written of ['-', '.5', '1.', '-05', '-.5', '- ', '1e']) {
      const body = `${head}"source":[${source(written, 2).replace(listenurl, 'http://127.0.0.1:8000/b.mp3')},${source('"x"', 3)}]}}`;
      expect(() => JSON.parse(body), written).toThrow();
      const r = parseStatusJson(body);
      expect(r.mounts.map((m) => [m.mount, m.listeners, m.title]), written).toEqual([
        ['/b.mp3', 2, written.trim()],
        ['/live.mp3', 3, 'x'],
      ]);
      expect(r.server.totals.listeners).toBe(5);
    }
  });

  it('a raw control character in a title (2.4.4 escapes only tab, CR, LF, \\ and ")', () => {
    const body = `${head}"source":[${source('.5', 0).replace(listenurl, 'http://127.0.0.1:8000/b.mp3')},${source('"a\u0001b"')}]}}`;
    expect(() => JSON.parse(body)).toThrow();
    const r = parseStatusJson(body);
    expect(r.mounts.map((m) => m.title)).toEqual(['.5', 'a\u0001b']);
    expect(r.mounts.map((m) => m.listeners)).toEqual([0, 1]);
  });

  it('text after the end of the document and doubled commas are ignored', () => {
    const r = parseStatusJson(`${head}"source":${source('"t"')},,}}}\n<garbage>`);
    expect(r.mounts).toMatchObject([{ mount: '/live.mp3', listeners: 1, title: 't' }]);
  });

  it('a page cut short is an error, not a server with fewer mounts', () => {
    const full = `${head}"source":[${source('-', 2)},${source('"x"', 3).replace(listenurl, 'http://127.0.0.1:8000/z.mp3')}]}}`;
    for (const cut of [full.slice(0, full.length - 40), full.slice(0, full.indexOf('z.mp3')), full.slice(0, -2)]) {
      const err = (() => {
        try {
          parseStatusJson(cut);
          return null;
        } catch (e) {
          return e as IcecastError;
        }
      })();
      expect(err, cut.slice(-30)).toBeInstanceOf(IcecastError);
      expect(err).not.toBeInstanceOf(NotIcecastError);
      expect(err!.message).toMatch(/cannot be read/);
    }
  });
});

describe('parseLenientJson', () => {
  it('reads valid JSON as JSON.parse does', () => {
    const doc = { a: [1, -2.5, 1e3, 'x\n"y"\\', true, false, null, {}], b: { c: '\u00e9\u2713' } };
    expect(parseLenientJson(JSON.stringify(doc))).toEqual(doc);
    expect(parseLenientJson(JSON.stringify(doc, null, 2))).toEqual(doc);
  });

  it('bare values: JSON numbers and literals as such, anything else as its text', () => {
    expect(parseLenientJson('{"a":-,"b":.5,"c": 7 ,"d":1.,"e":-05,"f":,"g":true}')).toEqual({ a: '-', b: '.5', c: 7, d: '1.', e: '-05', f: null, g: true });
    expect(parseLenientJson('["k":1}]')).toEqual([{ k: 1 }]);
  });

  it('refuses what is not a document', () => {
    expect(() => parseLenientJson('{"a":1')).toThrow(LenientJsonError);
    expect(() => parseLenientJson('{"a" 1}')).toThrow(/member "a"/);
    expect(() => parseLenientJson('{a:1}')).toThrow(/object key/);
    expect(() => parseLenientJson('')).toThrow(LenientJsonError);
    expect(() => parseLenientJson('"abc')).toThrow(/string/);
  });
});
