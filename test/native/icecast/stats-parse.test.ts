import { describe, expect, it } from 'vitest';
import { decodeCharRefs, parseAdminStatsXml, parseStatusJson } from '../../../native/icecast/stats';
import { NotIcecastError } from '../../../native/icecast/errors';

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
