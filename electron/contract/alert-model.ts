import { z } from 'zod';

/**
 * The alert desk's shapes that do not depend on the rest of the contract: what an alert carries
 * beyond its header (receptions, relevance, acknowledgement, recording markers), the desk's
 * settings, history filters, the event log and the engine's problems. dto.ts builds the Alert
 * and the settings from these; alert-desk.ts holds the commands and events.
 */

const IsoTime = z.string().datetime({ offset: true });
const SourceId = z.string().min(1).max(64);

// ---- codes ------------------------------------------------------------------------------

/** PSSCCC: P the county part (0 = all of it), SS the state FIPS, CCC the county FIPS (000 = whole state). */
export const LocationCode = z
  .string()
  .regex(/^\d{6}$/, 'a location code is 6 digits, PSSCCC: part of county, state and county FIPS (e.g. 029095 for Jackson County, MO)');
export const EventCode = z.string().regex(/^[A-Z]{3}$/, 'an event code is 3 capital letters (e.g. TOR)');
export const OriginatorCode = z.enum(['PEP', 'CIV', 'WXR', 'EAS', 'EAN'], {
  message: 'an originator is one of PEP, CIV, WXR, EAS, EAN',
});

/** The events "ignore tests" means. */
export const TEST_EVENTS: readonly string[] = ['RWT', 'RMT', 'DMO'];
/** National activations: relevant whatever the filters say (47 CFR 11.33: they cannot be filtered out). */
export const ALWAYS_RELEVANT_EVENTS: readonly string[] = ['EAN', 'EAT'];

// ---- settings ---------------------------------------------------------------------------

/** Which alerts concern this station, as an ENDEC's filters say it. */
export const RelevanceSettings = z
  .object({
    /** Locations of interest; empty means every location counts. 000000 and SS000 match both ways. */
    locations: z.array(LocationCode).max(256, 'at most 256 locations of interest'),
    /** When not empty, only these events are relevant. */
    allowEvents: z.array(EventCode).max(128, 'at most 128 allowed events'),
    /** These events are never relevant (the allow list cannot bring them back). */
    denyEvents: z.array(EventCode).max(128, 'at most 128 denied events'),
    /** When not empty, only alerts from these originators are relevant. */
    originators: z.array(OriginatorCode).max(5),
    /** Required weekly and monthly tests and demonstrations (RWT, RMT, DMO) are not relevant. */
    ignoreTests: z.boolean(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const allowed = new Set(r.allowEvents);
    r.denyEvents.forEach((e, i) => {
      if (allowed.has(e)) ctx.addIssue({ code: 'custom', path: ['denyEvents', i], message: `${e} is both allowed and denied: remove it from one list` });
    });
  });
export type RelevanceSettings = z.infer<typeof RelevanceSettings>;

/** How the console sounds a relevant alert: repeating until acknowledged or muted, once, or not. */
export const ChimeMode = z.enum(['repeat', 'once', 'off']);
export type ChimeMode = z.infer<typeof ChimeMode>;

/** Chime per banner category (emergencies chime as warnings, statements as advisories). */
export const ChimeSettings = z
  .object({ warning: ChimeMode, watch: ChimeMode, advisory: ChimeMode, test: ChimeMode })
  .strict();
export type ChimeSettings = z.infer<typeof ChimeSettings>;

export const RetentionSettings = z
  .object({
    /** Alerts (with their recordings) older than this are deleted; null keeps them forever. */
    maxAgeDays: z.number({ message: 'days must be a number' }).int('whole days only').min(1, 'keep alerts at least 1 day').max(36500, 'at most 36500 days (100 years)').nullable(),
    /** Recordings beyond this total are deleted oldest first (the alerts stay); null: no limit. */
    maxRecordingsMb: z.number({ message: 'megabytes must be a number' }).int('whole megabytes only').min(10, 'allow recordings at least 10 MB').max(10_000_000, 'at most 10000000 MB').nullable(),
  })
  .strict();
export type RetentionSettings = z.infer<typeof RetentionSettings>;

export const AlertSettings = z
  .object({
    relevance: RelevanceSettings,
    chime: ChimeSettings,
    /** Desktop and browser notifications for relevant alerts. */
    notify: z.boolean(),
    retention: RetentionSettings,
    /**
     * An alert from one burst alone. Off, as ENDECs do: a lone burst is a decoder event, and an
     * alert needs two matching bursts of three. Sources pick a change up when they restart.
     */
    singleBurstAlerts: z.boolean().default(false),
  })
  .strict();
export type AlertSettings = z.infer<typeof AlertSettings>;

export const DEFAULT_ALERT_SETTINGS: AlertSettings = {
  relevance: { locations: [], allowEvents: [], denyEvents: [], originators: [], ignoreTests: false },
  chime: { warning: 'repeat', watch: 'repeat', advisory: 'once', test: 'off' },
  notify: true,
  retention: { maxAgeDays: 365, maxRecordingsMb: 2048 },
  singleBurstAlerts: false,
};

/** An IANA time zone ("America/Chicago"), checked with the platform's Intl; null: the system's. */
export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'not a time zone this system knows: use an IANA name such as America/Chicago');

// ---- alert parts ------------------------------------------------------------------------

export const AlertState = z.enum(['active', 'expired']);
export type AlertState = z.infer<typeof AlertState>;

/**
 * A place in a recording, seconds from its start, for playback markers: the header's bursts,
 * the attention signal, the message (voice) and the EOM. endS is null for an instant.
 */
export const RecordingMarker = z.object({
  kind: z.enum(['header', 'attention', 'message', 'eom']),
  startS: z.number().nonnegative(),
  endS: z.number().nonnegative().nullable(),
});
export type RecordingMarker = z.infer<typeof RecordingMarker>;

export const AlertRecording = z.object({
  durationS: z.number().nonnegative().nullable(),
  /** False while it is being written; true once closed, or repaired after a crash (then cutShort). */
  complete: z.boolean(),
  /** The engine stopped (crash, power) before the recording ended: what was written was kept and repaired. */
  cutShort: z.boolean().default(false),
  markers: z.array(RecordingMarker).default([]),
});
export type AlertRecording = z.infer<typeof AlertRecording>;

/** One hearing of an alert: its first, a repeat, a relay, or the same header on another input. */
export const Reception = z.object({
  /** Also an audio id: ConsoleApi.alertAudioUrl(reception.id) plays this reception's recording. */
  id: z.string(),
  sourceId: SourceId,
  receivedAt: IsoTime,
  /** Header bursts the decoder heard (3 on a clean signal); null when not known (older history). */
  bursts: z.number().int().nonnegative().nullable(),
  /** Estimated probability that every header bit was right, 0-1; null when not known. */
  bitConfidence: z.number().min(0).max(1).nullable(),
  recording: AlertRecording.nullable(),
});
export type Reception = z.infer<typeof Reception>;

/**
 * Whether the alert concerns this station under the relevance settings at the time it was
 * judged, and why in words ("matches 029095 Jackson County, MO", "event RWT ignored by setting").
 */
export const Relevance = z.object({ relevant: z.boolean(), reasons: z.array(z.string()) });
export type Relevance = z.infer<typeof Relevance>;

export const Acknowledgement = z.object({
  /** "operator" (the desktop app) or "serve client ADDRESS". */
  by: z.string(),
  at: IsoTime,
  note: z.string().nullable(),
});
export type Acknowledgement = z.infer<typeof Acknowledgement>;

// ---- history queries --------------------------------------------------------------------

/** The [from, to) window both the history and the event log narrow by. */
const TimeWindow = {
  /** At or after (alerts: first heard). */
  from: IsoTime.optional(),
  /** Before. */
  to: IsoTime.optional(),
};

/** What alerts.history and the export select; every field narrows, absent fields do not. */
export const HistoryFilter = z
  .object({
    ...TimeWindow,
    events: z.array(EventCode).max(64).optional(),
    originators: z.array(OriginatorCode).max(5).optional(),
    /**
     * A location code (PSSCCC: matches as relevance does, so 029000 finds alerts for any Missouri
     * county and 029095 finds state-wide and nation-wide ones too), or words of a place name.
     */
    location: z.string().trim().min(1).max(80).optional(),
    relevant: z.boolean().optional(),
    acknowledged: z.boolean().optional(),
    state: AlertState.optional(),
    /** Heard on this source (any reception). */
    sourceId: SourceId.optional(),
    /** Words in the plain-language text, event, places, originator or header (all must appear; the last may be a prefix). */
    text: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export type HistoryFilter = z.infer<typeof HistoryFilter>;

export const ExportFormat = z.enum(['csv', 'json']);
export type ExportFormat = z.infer<typeof ExportFormat>;

// ---- event log --------------------------------------------------------------------------

/** What happened at the station besides alerts, kept in the history database. */
export const EventLogKind = z.enum(['failover', 'source', 'stream', 'decoder', 'recording', 'history', 'retention']);
export type EventLogKind = z.infer<typeof EventLogKind>;

const EventLogLevel = z.enum(['info', 'warn', 'error']);

export const EventLogEntry = z.object({
  id: z.string(),
  at: IsoTime,
  kind: EventLogKind,
  level: EventLogLevel,
  sourceId: z.string().nullable(),
  /** The alert it concerns (a decoder anomaly in its header, say). */
  alertId: z.string().nullable(),
  message: z.string(),
});
export type EventLogEntry = z.infer<typeof EventLogEntry>;

export const EventLogFilter = z
  .object({
    ...TimeWindow,
    kinds: z.array(EventLogKind).max(8).optional(),
    sourceId: SourceId.optional(),
    /** This level and above (warn: warn and error). */
    level: EventLogLevel.optional(),
  })
  .strict();
export type EventLogFilter = z.infer<typeof EventLogFilter>;

// ---- engine problems --------------------------------------------------------------------

/**
 * Something the operator must see and fix, shown until it is gone: "history not writable: disk
 * full at /var/lib/eas" (code history_not_writable). Codes are stable snake_case.
 */
export const EngineProblem = z.object({
  code: z.string(),
  message: z.string(),
  since: IsoTime,
});
export type EngineProblem = z.infer<typeof EngineProblem>;

export const RetentionReport = z.object({
  at: IsoTime,
  trigger: z.enum(['daily', 'manual']),
  deletedAlerts: z.number().int().nonnegative(),
  deletedRecordings: z.number().int().nonnegative(),
  freedBytes: z.number().nonnegative(),
  /** Alerts past the limits that were kept because they are active or relevant and unacknowledged. */
  kept: z.number().int().nonnegative(),
});
export type RetentionReport = z.infer<typeof RetentionReport>;

export const HistoryStorage = z.object({
  alerts: z.number().int().nonnegative(),
  recordings: z.number().int().nonnegative(),
  recordingBytes: z.number().nonnegative(),
  databaseBytes: z.number().nonnegative(),
  oldestAlertAt: IsoTime.nullable(),
  /** False while writes fail (disk full, read-only); they wait in memory and are retried. */
  writable: z.boolean(),
  pendingWrites: z.number().int().nonnegative(),
  lastRetention: RetentionReport.nullable(),
});
export type HistoryStorage = z.infer<typeof HistoryStorage>;

/** A place from the FIPS tables, for the locations-of-interest picker. */
export const LocationInfo = z.object({
  code: LocationCode,
  name: z.string(),
  kind: z.enum(['country', 'state', 'county', 'marine', 'unknown']),
});
export type LocationInfo = z.infer<typeof LocationInfo>;
