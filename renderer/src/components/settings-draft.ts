import {
  OriginatorCode,
  parseSourceUri,
  Settings,
  SourceUriError,
  type ChimeSettings,
  type SettingsPatch,
  type Settings as SettingsT,
  type SourceConfig,
} from '@contract';
import { isTimeZone } from '../lib/time';
import { eventCodes } from './history-filter';

/**
 * The settings form as typed: numbers stay text until saved so an empty or half-typed field can
 * be named ("Silence below must be 0 dB or lower") instead of turning into NaN, and every
 * invalid field is found in one pass.
 */

export type Originator = (typeof OriginatorCode.options)[number];

/** A source row being edited, with a client-side key (the source id is one of the edited fields). */
export interface SourceRow {
  key: number;
  source: Omit<SourceConfig, 'priority'> & { priority: string };
}

export interface Draft {
  stationName: string;
  failover: Record<FailoverKey, string>;
  rows: SourceRow[];
  startAtLogin: boolean;
  locations: string[];
  allowEvents: string;
  denyEvents: string;
  originators: Originator[];
  ignoreTests: boolean;
  chime: ChimeSettings;
  notify: boolean;
  maxAgeDays: string;
  maxRecordingsMb: string;
  timeZone: string;
  archive: ArchiveDraft;
}

/** The continuous archive's settings as typed (the segment length is not the operator's: it stays as saved). */
export interface ArchiveDraft {
  enabled: boolean;
  bitrateKbps: string;
  maxAgeDays: string;
  /** The size limit in GB (the setting is in MB; stations think in GB). */
  maxTotalGb: string;
  /** Empty: the data dir. */
  dir: string;
}

/** Opus bit rates offered (the contract allows 16-32 kbit/s). */
export const ARCHIVE_BITRATES = [16, 20, 24, 28, 32] as const;

export type FailoverKey = keyof SettingsT['failover'];

/** Field key -> message. Keys: "stationName", "failover.silenceSeconds", "sources.<rowKey>.uri", "alerts.denyEvents", ... */
export type FieldErrors = Record<string, string>;

export const FAILOVER_FIELDS: Array<{ key: FailoverKey; label: string; unit: string; min: number; max: number; help: string }> = [
  { key: 'silenceThresholdDb', label: 'Silence below', unit: 'dBFS', min: -120, max: 0, help: 'must be between -120 and 0 dB (0 dB or lower)' },
  { key: 'silenceSeconds', label: 'Silent after', unit: 's', min: 1, max: 3600, help: 'must be between 1 and 3600 seconds' },
  { key: 'stallSeconds', label: 'Stalled after', unit: 's', min: 1, max: 600, help: 'must be between 1 and 600 seconds' },
  { key: 'holdSeconds', label: 'Fail back after healthy for', unit: 's', min: 0, max: 3600, help: 'must be between 0 and 3600 seconds' },
];

/** What each field is called on the page, for the summary at the top. */
export function fieldLabel(key: string, draft: Draft): string {
  const fixed: Record<string, string> = {
    stationName: 'Station name',
    startAtLogin: 'Start at login',
    'alerts.locations': 'Locations of interest',
    'alerts.allowEvents': 'Only these events',
    'alerts.denyEvents': 'Never these events',
    'alerts.originators': 'Originators',
    'alerts.retention.maxAgeDays': 'Keep alerts for',
    'alerts.retention.maxRecordingsMb': 'Recordings up to',
    timeZone: 'Time zone',
    'archive.bitrateKbps': 'Archive bit rate',
    'archive.maxAgeDays': 'Keep the archive for',
    'archive.maxTotalMB': 'Archive up to',
    'archive.dir': 'Archive directory',
  };
  if (fixed[key]) return fixed[key];
  const f = FAILOVER_FIELDS.find((x) => `failover.${x.key}` === key);
  if (f) return f.label;
  const m = /^sources\.(\d+)\.(\w+)$/.exec(key);
  if (m) {
    const row = draft.rows.find((r) => r.key === Number(m[1]));
    const what = { id: 'id', name: 'name', uri: 'URI', priority: 'priority' }[m[2]!] ?? m[2];
    return `Source “${row?.source.name || row?.source.id || '?'}” ${what}`;
  }
  if (key.startsWith('sources')) return 'Sources';
  if (key.startsWith('streams')) return 'Streams (a stream needs its source)';
  if (key.startsWith('alerts.chime')) return 'Chime';
  return key;
}

let rowSeq = 0;
export function sourceRow(source: SourceConfig): SourceRow {
  return { key: ++rowSeq, source: { ...source, priority: String(source.priority) } };
}

export function toDraft(s: SettingsT): Draft {
  const r = s.alerts.relevance;
  return {
    stationName: s.stationName,
    failover: Object.fromEntries(FAILOVER_FIELDS.map((f) => [f.key, String(s.failover[f.key])])) as Record<FailoverKey, string>,
    rows: s.sources.map(sourceRow),
    startAtLogin: s.startAtLogin,
    locations: [...r.locations],
    allowEvents: r.allowEvents.join(', '),
    denyEvents: r.denyEvents.join(', '),
    originators: [...r.originators],
    ignoreTests: r.ignoreTests,
    chime: { ...s.alerts.chime },
    notify: s.alerts.notify,
    maxAgeDays: s.alerts.retention.maxAgeDays === null ? '' : String(s.alerts.retention.maxAgeDays),
    maxRecordingsMb: s.alerts.retention.maxRecordingsMb === null ? '' : String(s.alerts.retention.maxRecordingsMb),
    timeZone: s.timeZone ?? '',
    archive: {
      enabled: s.archive.enabled,
      bitrateKbps: String(s.archive.bitrateKbps),
      maxAgeDays: String(s.archive.maxAgeDays),
      maxTotalGb: String(Math.round((s.archive.maxTotalMB / 1024) * 1000) / 1000),
      dir: s.archive.dir ?? '',
    },
  };
}

/** A size in GB typed as the MB the setting holds: the saved MB when the field still shows it (no rounding drift). */
function gbToMb(gb: number, saved: number): number {
  return Math.round((saved / 1024) * 1000) / 1000 === gb ? saved : Math.round(gb * 1024);
}

/** A number field: the value, or why not. Blank is `blank` (null means "no limit" where allowed). */
function numberField(text: string, opts: { int?: boolean; min: number; max: number }): { value: number } | { error: 'blank' | 'nan' | 'range' | 'int' } {
  const t = text.trim();
  if (t === '') return { error: 'blank' };
  const n = Number(t);
  if (!Number.isFinite(n)) return { error: 'nan' };
  if (opts.int && !Number.isInteger(n)) return { error: 'int' };
  if (n < opts.min || n > opts.max) return { error: 'range' };
  return { value: n };
}

function uriProblem(uri: string): string | null {
  try {
    parseSourceUri(uri);
    return null;
  } catch (err) {
    return err instanceof SourceUriError ? `${err.part}: ${err.message}` : String(err);
  }
}

const SOURCE_ID = /^[a-z0-9][a-z0-9_-]*$/;

function eventList(text: string, label: string, errors: FieldErrors, key: string): string[] {
  const codes = eventCodes(text);
  const bad = codes.filter((c) => !/^[A-Z]{3}$/.test(c));
  if (bad.length > 0) {
    errors[key] = `${bad.map((b) => `“${b}”`).join(', ')} ${bad.length === 1 ? 'is not an event code' : 'are not event codes'}: an event code is 3 letters, such as TOR or SVR`;
  } else if (codes.length > 128) {
    errors[key] = `${label}: at most 128 events`;
  }
  return [...new Set(codes)];
}

/**
 * The draft as a settings.update patch, with every problem found: each message says what to
 * type, in the words the page uses. The contract's own check runs last, for anything else.
 */
export function fromDraft(d: Draft, saved: SettingsT): { patch: SettingsPatch; errors: FieldErrors } {
  const errors: FieldErrors = {};

  const stationName = d.stationName.trim();
  if (!stationName) errors.stationName = 'Type the station name: it heads the console and the window title';
  else if (stationName.length > 80) errors.stationName = 'At most 80 characters';

  const failover = { ...saved.failover };
  for (const f of FAILOVER_FIELDS) {
    const r = numberField(d.failover[f.key], { min: f.min, max: f.max });
    if ('value' in r) failover[f.key] = r.value;
    else errors[`failover.${f.key}`] = r.error === 'blank' || r.error === 'nan' ? `${f.label}: type a number; it ${f.help}` : `${f.label} ${f.help}`;
  }

  const ids = new Map<string, number>();
  const sources: SourceConfig[] = d.rows.map((row) => {
    const s = row.source;
    const k = `sources.${row.key}`;
    if (!s.id) errors[`${k}.id`] = 'Give the source an id (lower-case letters, digits, - and _), e.g. noaa-1';
    else if (!SOURCE_ID.test(s.id)) errors[`${k}.id`] = `“${s.id}”: an id has lower-case letters, digits, - and _ only, and starts with a letter or digit`;
    else if (s.id.length > 64) errors[`${k}.id`] = 'An id is at most 64 characters';
    else if (ids.has(s.id)) errors[`${k}.id`] = `Two sources are called “${s.id}”: ids must differ`;
    ids.set(s.id, row.key);
    if (!s.name.trim()) errors[`${k}.name`] = 'Give the source a name';
    else if (s.name.length > 80) errors[`${k}.name`] = 'A name is at most 80 characters';
    const uri = uriProblem(s.uri);
    if (uri) errors[`${k}.uri`] = uri;
    const p = numberField(s.priority, { int: true, min: 0, max: 1000 });
    if (!('value' in p)) errors[`${k}.priority`] = 'Priority is a whole number from 0 to 1000 (lower is preferred)';
    return { ...s, name: s.name.trim(), priority: 'value' in p ? p.value : 0 };
  });

  const allowEvents = eventList(d.allowEvents, 'Only these events', errors, 'alerts.allowEvents');
  const denyEvents = eventList(d.denyEvents, 'Never these events', errors, 'alerts.denyEvents');
  const both = denyEvents.filter((e) => allowEvents.includes(e));
  if (both.length > 0 && !errors['alerts.denyEvents']) {
    errors['alerts.denyEvents'] = `${both.join(', ')} ${both.length === 1 ? 'is' : 'are'} both allowed and denied: remove ${both.length === 1 ? 'it' : 'them'} from one list`;
  }

  const bad = d.locations.filter((c) => !/^\d{6}$/.test(c));
  if (bad.length > 0) errors['alerts.locations'] = `${bad.join(', ')}: a location code is 6 digits (PSSCCC, e.g. 029095)`;
  else if (d.locations.length > 256) errors['alerts.locations'] = 'At most 256 locations of interest';

  let maxAgeDays: number | null = null;
  if (d.maxAgeDays.trim() !== '') {
    const r = numberField(d.maxAgeDays, { int: true, min: 1, max: 36500 });
    if ('value' in r) maxAgeDays = r.value;
    else errors['alerts.retention.maxAgeDays'] = 'Keep alerts for a whole number of days from 1 to 36500, or leave it empty to keep them forever';
  }
  let maxRecordingsMb: number | null = null;
  if (d.maxRecordingsMb.trim() !== '') {
    const r = numberField(d.maxRecordingsMb, { int: true, min: 10, max: 10_000_000 });
    if ('value' in r) maxRecordingsMb = r.value;
    else errors['alerts.retention.maxRecordingsMb'] = 'Recordings need at least 10 MB (a whole number), or leave it empty for no limit';
  }

  const tz = d.timeZone.trim();
  if (tz && !isTimeZone(tz)) errors.timeZone = `“${tz}” is not a time zone this computer knows: pick one from the list, such as America/Chicago, or leave it empty for this computer's`;

  const a = d.archive;
  const archive = { ...saved.archive, enabled: a.enabled, dir: a.dir.trim() || null };
  const rate = numberField(a.bitrateKbps, { int: true, min: 16, max: 32 });
  if ('value' in rate) archive.bitrateKbps = rate.value;
  else errors['archive.bitrateKbps'] = 'Archive bit rate: a whole number of kbit/s from 16 to 32';
  const days = numberField(a.maxAgeDays, { min: 0.01, max: 3650 });
  if ('value' in days) archive.maxAgeDays = days.value;
  else errors['archive.maxAgeDays'] = 'Keep the archive for a number of days from 0.01 to 3650 (7 is a week)';
  const gb = numberField(a.maxTotalGb, { min: 0.001, max: 9765 });
  if ('value' in gb) archive.maxTotalMB = Math.max(1, gbToMb(gb.value, saved.archive.maxTotalMB));
  else errors['archive.maxTotalMB'] = 'Archive up to a size in GB from 0.001 to 9765 (5 is the default)';
  if (archive.dir !== null && !archive.dir.startsWith('/')) errors['archive.dir'] = `“${archive.dir}”: the archive directory is an absolute path (/mnt/archive), or leave it empty for the data directory`;

  const patch: SettingsPatch = {
    stationName,
    failover,
    sources,
    startAtLogin: d.startAtLogin,
    alerts: {
      relevance: { locations: [...new Set(d.locations)], allowEvents, denyEvents, originators: d.originators, ignoreTests: d.ignoreTests },
      chime: d.chime,
      notify: d.notify,
      retention: { maxAgeDays, maxRecordingsMb },
    },
    timeZone: tz || null,
    archive,
  };

  if (Object.keys(errors).length === 0) {
    // Anything the checks above did not foresee, in the contract's words, on the right field.
    const whole = Settings.safeParse({ ...saved, ...patch });
    if (!whole.success) {
      for (const issue of whole.error.issues) {
        const key = issueKey(issue.path, d);
        errors[key] ??= issue.message;
      }
    }
  }
  return { patch, errors };
}

/** A contract path (["sources", 2, "uri"]) as the form's key ("sources.<rowKey>.uri"). */
export function issueKey(path: ReadonlyArray<PropertyKey>, d: Draft): string {
  if (path[0] === 'sources' && typeof path[1] === 'number') {
    const row = d.rows[path[1]];
    return `sources.${row?.key ?? path[1]}${path.length > 2 ? `.${String(path[2])}` : ''}`;
  }
  if (path[0] === 'alerts' && path[1] === 'relevance') return `alerts.${String(path[2] ?? 'locations')}`;
  if (path[0] === 'alerts' && path[1] === 'retention') return `alerts.retention.${String(path[2] ?? 'maxAgeDays')}`;
  if (path[0] === 'failover') return `failover.${String(path[1])}`;
  if (path[0] === 'archive') return `archive.${String(path[1] ?? 'enabled')}`;
  return path.map(String).join('.') || 'settings';
}

/** The engine's error field ("sources.0.uri", "alerts.relevance.denyEvents.1") as the form's key. */
export function engineFieldKey(field: string, d: Draft): string {
  return issueKey(field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)), d);
}

export function originatorOptions(): readonly Originator[] {
  return OriginatorCode.options;
}

