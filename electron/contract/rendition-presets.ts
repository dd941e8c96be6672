import { StreamConfig, StreamMount, type StreamFormat } from './dto';

/**
 * Renditions named for their use, with the origin page's recommended settings (its "Recommended
 * Settings" table: voice 64 MP3, music 128 MP3, high quality 192 MP3, low bandwidth 48 Ogg,
 * here Ogg Opus, the better codec at 48 kbit/s). Every rendition is mono: the source bus is.
 */
export interface RenditionPreset {
  id: 'voice' | 'music' | 'high' | 'low';
  label: string;
  /** What it is for, shown next to the label. */
  use: string;
  format: StreamFormat;
  bitrateKbps: number;
  /** Appended to the source's mount and stream id: /station-voice.mp3, station-voice. */
  suffix: string;
}

export const RENDITION_PRESETS: readonly RenditionPreset[] = [
  { id: 'voice', label: 'Voice', use: 'NOAA Weather Radio, talk', format: 'mp3', bitrateKbps: 64, suffix: 'voice' },
  { id: 'music', label: 'Music', use: 'music radio', format: 'mp3', bitrateKbps: 128, suffix: 'music' },
  { id: 'high', label: 'High quality', use: 'best sound', format: 'mp3', bitrateKbps: 192, suffix: 'hq' },
  { id: 'low', label: 'Low bandwidth', use: 'mobile, slow links', format: 'opus', bitrateKbps: 48, suffix: 'low' },
];

export const presetById = (id: string): RenditionPreset | undefined => RENDITION_PRESETS.find((p) => p.id === id);

/** "MP3 64 kbit/s mono": what a preset makes, for its button's title. */
export function presetSummary(p: RenditionPreset): string {
  return `${p.format === 'opus' ? 'Ogg Opus' : p.format.toUpperCase()} ${p.bitrateKbps} kbit/s mono`;
}

const EXT: Record<StreamFormat, string> = { mp3: '.mp3', aac: '.aac', vorbis: '.ogg', opus: '.opus' };
const AUDIO_EXT = /\.(mp3|aac|ogg|oga|opus)$/i;
const PRESET_SUFFIX = new RegExp(`-(?:${RENDITION_PRESETS.map((p) => p.suffix).join('|')})(?:-\\d+)?$`);
const MAX_MOUNT = 64;
const MAX_ID = 64;

/**
 * The name a source's renditions share: the mount without its audio extension and without a
 * preset suffix, so a rendition made from a rendition is still /station-low, not /station-voice-low.
 */
export function mountStem(mount: string): string {
  const stem = mount.replace(/^\//, '').replace(AUDIO_EXT, '').replace(PRESET_SUFFIX, '');
  return stem || 'stream';
}

/** The first of base, base-2, base-3... that `fits` and is not taken (case-insensitive). */
function unique(make: (n: number) => string, taken: Iterable<string>): string {
  const used = new Set([...taken].map((t) => t.toLowerCase()));
  for (let n = 1; ; n++) {
    const v = make(n);
    if (!used.has(v.toLowerCase())) return v;
  }
}

/** "/station-voice.mp3" from "/station.mp3", kept within Icecast's 64-character mount names. */
export function renditionMount(baseMount: string, preset: RenditionPreset, taken: Iterable<string>): string {
  const ext = EXT[preset.format];
  return unique((n) => {
    const tail = `-${preset.suffix}${n === 1 ? '' : `-${n}`}`;
    const stem = mountStem(baseMount).slice(0, MAX_MOUNT - tail.length - ext.length).replace(/[-.]+$/, '') || 'stream';
    return `/${stem}${tail}${ext}`;
  }, taken);
}

/** The stream id of a rendition: "<source>-voice", "<source>-voice-2"... */
export function renditionId(sourceId: string, preset: RenditionPreset, taken: Iterable<string>): string {
  return unique((n) => {
    const tail = `-${preset.suffix}${n === 1 ? '' : `-${n}`}`;
    return `${sourceId.slice(0, MAX_ID - tail.length)}${tail}`;
  }, taken);
}

/** Where an existing rendition of the source streams: what a new one copies. */
export interface RenditionBase {
  sourceId: string;
  host: string;
  port: number;
  tls?: boolean;
  username?: string;
  mount: string;
  enabled: boolean;
  name?: string;
  description?: string;
  genre?: string;
  public?: boolean;
}

/**
 * A new rendition of a source on the same server as `base`, named after its mount, switched
 * on or off like the source's other streams (the tile's toggle is one switch for all of them).
 * `taken` holds every stream id and mount already in use.
 */
export function renditionFromPreset(preset: RenditionPreset, base: RenditionBase, taken: { ids: Iterable<string>; mounts: Iterable<string> }): StreamConfig {
  const config: StreamConfig = {
    id: renditionId(base.sourceId, preset, taken.ids),
    sourceId: base.sourceId,
    enabled: base.enabled,
    format: preset.format,
    bitrateKbps: preset.bitrateKbps,
    host: base.host,
    port: base.port,
    mount: renditionMount(base.mount, preset, taken.mounts),
    ...(base.tls ? { tls: true } : {}),
    ...(base.username ? { username: base.username } : {}),
    ...(base.name ? { name: `${base.name} (${preset.label})`.slice(0, 120) } : {}),
    ...(base.description ? { description: base.description } : {}),
    ...(base.genre ? { genre: base.genre } : {}),
    ...(base.public ? { public: true } : {}),
  };
  // The derivation keeps to the mount grammar by construction; parse anyway so a bad base
  // fails here with the field named, not later in the engine.
  StreamMount.parse(config.mount);
  return StreamConfig.parse(config);
}

/**
 * The server of a stream from its listen URL (streamLinks builds it from host, port, tls and
 * mount), for a stream whose config the UI does not hold (a `serve --stream` of this run).
 */
export function renditionBaseFromListenUrl(sourceId: string, listenUrl: string, enabled: boolean): RenditionBase | null {
  let u: URL;
  try {
    u = new URL(listenUrl);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  const tls = u.protocol === 'https:';
  const port = u.port ? Number(u.port) : tls ? 443 : 80;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return { sourceId, host, port, tls, mount: u.pathname, enabled };
}
