import { z } from 'zod';
import { SourceUri } from './sources/uri';
import { DEFAULT_ICECAST_SETTINGS, IcecastSettings } from './icecast';
import { ArchiveSettings, ArchiveStatus, DEFAULT_ARCHIVE_SETTINGS } from './archive';
import {
  Acknowledgement,
  AlertRecording,
  AlertSettings,
  AlertState,
  DEFAULT_ALERT_SETTINGS,
  EngineProblem,
  Reception,
  Relevance,
  TimeZone,
} from './alert-model';

export { BUS_RATE } from './constants';

const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, "-" and "_" only');
const Db = z.number().min(-200).max(20);
const IsoTime = z.string().datetime({ offset: true });

// ---- settings ---------------------------------------------------------------------------

export const SourceConfig = z
  .object({
    id: Id,
    name: z.string().min(1).max(80),
    uri: SourceUri,
    /** Lower number = preferred as the program source. */
    priority: z.number().int().min(0).max(1000),
    enabled: z.boolean(),
    /** Recorded into the continuous archive (when the archive is on); default true. */
    archive: z.boolean().optional(),
  })
  .strict();
export type SourceConfig = z.infer<typeof SourceConfig>;

export const FailoverSettings = z
  .object({
    silenceThresholdDb: z.number().min(-120).max(0),
    silenceSeconds: z.number().min(1).max(3600),
    stallSeconds: z.number().min(1).max(600),
    holdSeconds: z.number().min(0).max(3600),
  })
  .strict();
export type FailoverSettings = z.infer<typeof FailoverSettings>;

export const StreamFormat = z.enum(['mp3', 'vorbis', 'opus', 'aac']);
export type StreamFormat = z.infer<typeof StreamFormat>;

/**
 * An Icecast mount name: "/" then 1-64 of A-Z a-z 0-9 . _ - (what Icecast and players handle
 * safely), and not one of Icecast's own paths (/admin..., its .xsl pages and playlists).
 */
export const StreamMount = z
  .string()
  .regex(/^\/[A-Za-z0-9._-]{1,64}$/, 'a "/" then 1-64 of A-Z a-z 0-9 . _ -')
  .refine((m) => !/^\/admin/i.test(m), "clashes with Icecast's /admin pages: pick another name")
  .refine((m) => !/\.(xsl|html?|css|m3u|xspf|vclt)$/i.test(m), "ends like one of Icecast's own pages or playlists: use an audio extension such as .mp3")
  .refine((m) => !/^\/\.+$/.test(m), 'is not a name');

/** Host name, IPv4 or IPv6 address of an Icecast server (no scheme, no port). */
export const StreamHost = z
  .string()
  .min(1)
  .max(253)
  .regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/, 'a host name or IP address, without scheme or port');

/**
 * One rendition of one source on one Icecast mount. The source password is not here: it
 * lives in the engine's secret store (key streamPasswordKey(id)), never in settings.
 */
export const StreamConfig = z
  .object({
    id: Id,
    sourceId: Id,
    /** Streams while its source runs (auto-stream); the UI's one-click toggle flips this. */
    enabled: z.boolean(),
    format: StreamFormat,
    bitrateKbps: z.number().int().min(8).max(320),
    host: StreamHost,
    port: z.number().int().min(1).max(65535),
    /** HTTPS to the server (Icecast built with TLS, or a TLS proxy in front). Default false. */
    tls: z.boolean().optional(),
    /** Source login user; default "source". */
    username: z.string().min(1).max(64).regex(/^[^:\s]+$/, 'no spaces or ":"').optional(),
    mount: StreamMount,
    name: z.string().max(120).optional(),
    description: z.string().max(240).optional(),
    genre: z.string().max(60).optional(),
    /** Listed in public directories (ice-public). Default false. */
    public: z.boolean().optional(),
  })
  .strict();
export type StreamConfig = z.infer<typeof StreamConfig>;

export const Settings = z
  .object({
    version: z.literal(1),
    stationName: z.string().min(1).max(80),
    sources: z.array(SourceConfig).max(32),
    failover: FailoverSettings,
    streams: z.array(StreamConfig).max(64),
    icecast: IcecastSettings.default(DEFAULT_ICECAST_SETTINGS),
    /** Another ffmpeg than the bundled one (needs libmp3lame, libvorbis, libopus); null = bundled. */
    ffmpegPath: z.string().min(1).max(1024).startsWith('/', 'an absolute path').nullable().default(null),
    /** Desktop app only: an XDG autostart entry starts it into the tray at login. Serve mode ignores it (systemd instead). */
    startAtLogin: z.boolean().default(false),
    /** Relevance (locations, events, originators, tests), chime, notifications and retention. */
    alerts: AlertSettings.default(DEFAULT_ALERT_SETTINGS),
    /** The station's time zone for every time the console shows; null: the system's. */
    timeZone: TimeZone.nullable().default(null),
    /** The continuous archive of every source (format, segment length, retention). */
    archive: ArchiveSettings.default(DEFAULT_ARCHIVE_SETTINGS),
  })
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.sources.forEach((src, i) => {
      if (seen.has(src.id)) ctx.addIssue({ code: 'custom', path: ['sources', i, 'id'], message: `duplicate source id "${src.id}"` });
      seen.add(src.id);
    });
    const streamIds = new Set<string>();
    const mounts = new Set<string>();
    s.streams.forEach((st, i) => {
      if (streamIds.has(st.id)) ctx.addIssue({ code: 'custom', path: ['streams', i, 'id'], message: `duplicate stream id "${st.id}"` });
      streamIds.add(st.id);
      const where = `${st.host}:${st.port}${st.mount}`;
      if (mounts.has(where)) ctx.addIssue({ code: 'custom', path: ['streams', i, 'mount'], message: `${where} is already used by another stream` });
      mounts.add(where);
      if (!seen.has(st.sourceId)) {
        ctx.addIssue({ code: 'custom', path: ['streams', i, 'sourceId'], message: `no source "${st.sourceId}"` });
      }
    });
  });
export type Settings = z.infer<typeof Settings>;

/** A partial update: top-level keys replace the stored value wholesale, then the whole is revalidated. */
export const SettingsPatch = z
  .object({
    stationName: z.string(),
    sources: z.array(z.unknown()),
    failover: z.unknown(),
    streams: z.array(z.unknown()),
    icecast: z.unknown(),
    ffmpegPath: z.unknown(),
    startAtLogin: z.unknown(),
    alerts: z.unknown(),
    timeZone: z.unknown(),
    archive: z.unknown(),
  })
  .partial()
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

// ---- live state -------------------------------------------------------------------------

/** `retrying`: down and tried again by itself (the error says why and when); `failed`: only a URI change helps. */
export const SourceState = z.enum(['starting', 'running', 'silent', 'stalled', 'retrying', 'failed', 'stopped']);
export type SourceState = z.infer<typeof SourceState>;

export const SourceStatus = z.object({
  id: Id,
  name: z.string(),
  kind: z.string(),
  /** The URI with any credentials masked. */
  uri: z.string(),
  priority: z.number().int(),
  enabled: z.boolean(),
  state: SourceState,
  /** True for the one source currently carried on the program bus. */
  program: z.boolean(),
  error: z.string().nullable(),
  peakDb: Db.nullable(),
  rmsDb: Db.nullable(),
  /** Signal strength of an RF source's channel, dBFS; null for audio sources. */
  signalDb: Db.nullable(),
  nowPlaying: z.string().nullable(),
  /** Samples delivered on this source's bus since it started (22050 Hz). */
  samples: z.number().int().nonnegative(),
  /** The continuous archive of this source; absent where the engine has none. */
  archive: ArchiveStatus.optional(),
});
export type SourceStatus = z.infer<typeof SourceStatus>;

/** One batch (~16-50 ms) of metering for one source. peaks holds min,max pairs in -1..1. */
export const LevelFrame = z.object({
  sourceId: Id,
  t: z.number(),
  peakDb: Db,
  rmsDb: Db,
  peaks: z.array(z.number().min(-1).max(1)).max(512),
});
export type LevelFrame = z.infer<typeof LevelFrame>;

export const StreamState = z.enum(['unconfigured', 'off', 'connecting', 'live', 'retrying', 'error']);
export type StreamState = z.infer<typeof StreamState>;

export const StreamStatus = z.object({
  streamId: z.string(),
  sourceId: Id,
  enabled: z.boolean(),
  state: StreamState,
  format: StreamFormat.nullable(),
  mount: z.string().nullable(),
  /** What the user should know or do now, e.g. "streaming not configured yet". */
  message: z.string().nullable(),
  uptimeS: z.number().nonnegative(),
  bytesSent: z.number().nonnegative(),
  /** Measured from what reached Icecast; null until measured. */
  bitrateKbps: z.number().nonnegative().nullable(),
  /** The encoder's configured bitrate (known before the first measurement); absent for a source with no stream. */
  configuredKbps: z.number().nonnegative().nullable().optional(),
  reconnects: z.number().int().nonnegative(),
  droppedBytes: z.number().nonnegative(),
  /** Source audio the encoder had to drop (no encoder took it in time, e.g. while one restarted), in ms. */
  droppedPcmMs: z.number().nonnegative(),
  lastError: z.string().nullable(),
  listeners: z.number().int().nonnegative().nullable(),
  /** How many connections to the mount are the console's own player (counted by Icecast among `listeners`). */
  consoleListeners: z.number().int().nonnegative().optional(),
  peakListeners: z.number().int().nonnegative().nullable(),
  /** Where listeners find the mount (streamLinks in engine/icecast/stream-links.ts); absent for a source with no stream. */
  listenUrl: z.string().nullable().optional(),
  /** The mount's playlists: Icecast makes the .m3u; pls is null where the server serves none. */
  playlistUrls: z.object({ m3u: z.string(), pls: z.string().nullable() }).nullable().optional(),
});
export type StreamStatus = z.infer<typeof StreamStatus>;

export const DecoderEventKind = z.enum(['header', 'eom', 'attention', 'burst', 'link']);
export type DecoderEventKind = z.infer<typeof DecoderEventKind>;

export const DecoderEvent = z.object({
  id: z.string(),
  sourceId: Id,
  kind: DecoderEventKind,
  receivedAt: IsoTime,
  /** Index of the first sample of the event on the source's bus. */
  sampleIndex: z.number().int().nonnegative(),
  /** Exact header text for kind=header, "NNNN" for eom. */
  raw: z.string().nullable(),
  /** Plain-language description, as an ENDEC displays it. */
  text: z.string().nullable(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});
export type DecoderEvent = z.infer<typeof DecoderEvent>;

export const AlertLocation = z.object({ code: z.string(), name: z.string() });

/**
 * One alert per message: the header string within its valid period. Hearing it again (a repeat,
 * a relay, another input) adds a reception; a different header is a different alert.
 */
export const Alert = z.object({
  id: z.string(),
  /** The input that heard it first (receptions lists them all). */
  sourceId: Id,
  raw: z.string(),
  originator: z.string(),
  originatorName: z.string(),
  event: z.string(),
  eventName: z.string(),
  category: z.string(),
  locations: z.array(AlertLocation),
  issuedAt: IsoTime,
  expiresAt: IsoTime,
  callsign: z.string(),
  text: z.string(),
  /** The first reception. */
  receivedAt: IsoTime,
  active: z.boolean(),
  /**
   * The audio the station kept of the first reception that has one (pre-roll to after the EOM),
   * played through ConsoleApi.alertAudioUrl(alert.id). Null when none. `complete` is false while
   * it is being written; a recording cut by a crash is repaired on the next start (cutShort).
   */
  recording: AlertRecording.nullable().default(null),
  /** 'active' until expiresAt, then 'expired' (pushed at that moment); `active` says the same. */
  state: AlertState,
  /** The latest reception. */
  lastReceivedAt: IsoTime,
  /** Every hearing of this message, first first: repeats, relays and other inputs. */
  receptions: z.array(Reception),
  relevance: Relevance,
  /** Separate from expiry: an expired alert can be unacknowledged and the other way round. */
  acknowledgement: Acknowledgement.nullable(),
  /**
   * What is unusual about how it arrived, in words for the operator: a nonconforming sender
   * ID the decoder accepted, a header decided on two of three bursts.
   */
  flags: z.array(z.string()).default([]),
});
export type Alert = z.infer<typeof Alert>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  mode: z.enum(['electron', 'serve']),
  platform: z.string(),
  node: z.string(),
  startedAt: IsoTime,
  dataDir: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const ProgramChange = z.object({
  sourceId: Id.nullable(),
  previous: Id.nullable(),
  reason: z.string(),
  at: IsoTime,
});
export type ProgramChange = z.infer<typeof ProgramChange>;

export const EngineHealth = z.object({
  eventLoopP50Ms: z.number(),
  eventLoopP99Ms: z.number(),
  eventLoopMaxMs: z.number(),
  rssMb: z.number(),
  cpuPct: z.number(),
  windowS: z.number(),
});
export type EngineHealth = z.infer<typeof EngineHealth>;

export const StatusSnapshot = z.object({
  app: AppInfo,
  /** The engine's own health over the last ~10 s: event-loop delay, memory, CPU. */
  engine: EngineHealth,
  program: Id.nullable(),
  sources: z.array(SourceStatus),
  streams: z.array(StreamStatus),
  recentEvents: z.array(DecoderEvent),
  activeAlerts: z.array(Alert),
  programChanges: z.array(ProgramChange),
  /** What the operator must fix now (history not writable, a recording that failed); empty when all is well. */
  problems: z.array(EngineProblem),
});
export type StatusSnapshot = z.infer<typeof StatusSnapshot>;
