import { z } from 'zod';

/**
 * The continuous archive: every enabled source's bus recorded as Opus in Ogg, in segments of
 * about a minute, indexed in DATA_DIR/archive/index.sqlite. A source opts out with
 * `archive: false` in its own settings.
 */
export const ArchiveSettings = z
  .object({
    enabled: z.boolean(),
    /** Opus bit rate, mono. */
    bitrateKbps: z.number().int().min(16).max(32),
    /** Length of one segment file; about a minute in the product (tests use seconds). */
    segmentSeconds: z.number().int().min(2).max(600),
    /** Segments older than this are deleted... */
    maxAgeDays: z.number().min(0.01).max(3650),
    /** ...and the oldest while all sources together take more than this. */
    maxTotalMB: z.number().int().min(1).max(10_000_000),
    /** Another directory than DATA_DIR/archive (a bigger disk); null = the data dir. */
    dir: z.string().min(1).max(1024).startsWith('/', 'an absolute path').nullable(),
  })
  .strict();
export type ArchiveSettings = z.infer<typeof ArchiveSettings>;

export const DEFAULT_ARCHIVE_SETTINGS: ArchiveSettings = {
  enabled: true,
  bitrateKbps: 24,
  segmentSeconds: 60,
  maxAgeDays: 7,
  maxTotalMB: 5 * 1024,
  dir: null,
};

/** Segments holding an alert this recent are never deleted by the age or size rules. */
export const ARCHIVE_ALERT_KEEP_DAYS = 90;

/** `paused`: the archive could not write (disk full, unwritable) and tries again by itself. */
export const ArchiveState = z.enum(['off', 'recording', 'idle', 'paused']);
export type ArchiveState = z.infer<typeof ArchiveState>;

/** Named reasons the archive pauses. */
export const ArchiveErrorCode = z.enum(['archive_disk_full', 'archive_unwritable', 'archive_encoder_failed', 'archive_index_failed']);
export type ArchiveErrorCode = z.infer<typeof ArchiveErrorCode>;

export const ArchiveStatus = z.object({
  state: ArchiveState,
  error: z.object({ code: ArchiveErrorCode, message: z.string() }).nullable(),
});
export type ArchiveStatus = z.infer<typeof ArchiveStatus>;

export const ArchiveSegment = z.object({
  id: z.number().int(),
  sourceId: z.string(),
  /** Path relative to the source's archive directory (SOURCE/...), also the audio route's name. */
  name: z.string(),
  startUtc: z.string(),
  startUtcMs: z.number(),
  durationMs: z.number(),
  /** Bus sample index of the first sample (22050 Hz, counted since the source started). */
  startSample: z.number().int(),
  bytes: z.number().int(),
  /** `open`: still being written. */
  state: z.enum(['open', 'closed']),
});
export type ArchiveSegment = z.infer<typeof ArchiveSegment>;

export const ArchiveRangeArgs = z
  .object({
    sourceId: z.string().min(1).max(64),
    fromMs: z.number(),
    toMs: z.number(),
  })
  .strict()
  .refine((a) => a.toMs > a.fromMs, 'toMs must be after fromMs');

export const ArchiveTimeline = z.object({
  sourceId: z.string(),
  fromMs: z.number(),
  toMs: z.number(),
  segments: z.array(ArchiveSegment),
  gaps: z.array(z.object({ fromMs: z.number(), toMs: z.number() })),
  /** Per-bucket max level bytes (0-255 over -96..0 dBFS), -1 where nothing was recorded. */
  peak: z.array(z.number().int()),
  rms: z.array(z.number().int()),
});
export type ArchiveTimeline = z.infer<typeof ArchiveTimeline>;

export const ArchiveExportFormat = z.enum(['wav', 'mp3', 'opus']);
export type ArchiveExportFormat = z.infer<typeof ArchiveExportFormat>;

export const archiveCommands = {
  /** The kept segments and the gaps between them over a range, with a level overview. */
  'archive.timeline': {
    args: z
      .object({ sourceId: z.string().min(1).max(64), fromMs: z.number(), toMs: z.number(), buckets: z.number().int().min(1).max(4000).optional() })
      .strict(),
    result: ArchiveTimeline,
  },
} as const;
