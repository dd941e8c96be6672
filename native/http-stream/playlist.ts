/** Playlist formats internet radio links point to, and how to tell them from audio. */
export type PlaylistKind = 'm3u' | 'pls' | 'hls';

const PLAYLIST_TYPES: Record<string, PlaylistKind> = {
  'audio/x-mpegurl': 'm3u',
  'audio/mpegurl': 'm3u',
  'application/x-mpegurl': 'm3u',
  'application/vnd.apple.mpegurl': 'hls',
  'audio/x-scpls': 'pls',
  'audio/scpls': 'pls',
  'application/pls+xml': 'pls',
};

/** Media types that are (or may well be) audio for ffmpeg. octet-stream: many servers send it for MP3. */
export function isAudioContentType(mime: string): boolean {
  return mime.startsWith('audio/') || mime === 'application/ogg' || mime === 'application/octet-stream' || mime === 'video/mp2t' || mime === 'application/aacp';
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** What the headers say: a playlist kind, 'audio', or null (look at the body). */
export function classifyByHeaders(contentType: string | undefined, url: string): PlaylistKind | 'audio' | null {
  const mime = mediaType(contentType);
  const byType = PLAYLIST_TYPES[mime];
  const ext = /\.([a-z0-9]+)$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
  if (byType) return byType === 'm3u' && ext === 'm3u8' ? 'hls' : byType;
  if (mime.startsWith('audio/') || mime === 'application/ogg' || mime === 'video/mp2t' || mime === 'application/aacp') return 'audio';
  if (ext === 'm3u8') return 'hls';
  if (ext === 'm3u') return 'm3u';
  if (ext === 'pls') return 'pls';
  if (mime === 'application/octet-stream' || mime === '') return 'audio';
  return null;
}

/** What the body says, for text/plain and other unhelpful types. */
export function sniffPlaylist(text: string): PlaylistKind | null {
  const head = text.replace(/^\ufeff/, '').trimStart();
  if (/^#EXTM3U/i.test(head)) return /#EXT-X-(TARGETDURATION|STREAM-INF|MEDIA-SEQUENCE|VERSION)/i.test(head) ? 'hls' : 'm3u';
  if (/^\[playlist\]/i.test(head)) return 'pls';
  if (/^(https?:\/\/\S+)\s*($|\n)/i.test(head)) return 'm3u';
  return null;
}

export function isHlsText(text: string): boolean {
  return /#EXT-X-(TARGETDURATION|STREAM-INF|MEDIA-SEQUENCE)/i.test(text);
}

function resolveEntry(entry: string, base: string): string | null {
  try {
    const u = new URL(entry.trim(), base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}

/** M3U / extended M3U: one URL per line, '#' lines are comments or tags. Relative entries resolve against the playlist URL. */
export function parseM3u(text: string, baseUrl: string): string[] {
  const out: string[] = [];
  for (const raw of text.replace(/^\ufeff/, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const url = resolveEntry(line, baseUrl);
    if (url) out.push(url);
  }
  return out;
}

/** PLS: "[playlist]" then FileN=URL lines, in N order. */
export function parsePls(text: string, baseUrl: string): string[] {
  const entries: Array<{ n: number; url: string }> = [];
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*File(\d+)\s*=\s*(.+?)\s*$/i.exec(raw);
    if (!m) continue;
    const url = resolveEntry(m[2]!, baseUrl);
    if (url) entries.push({ n: Number(m[1]), url });
  }
  return entries.sort((a, b) => a.n - b.n).map((e) => e.url);
}
