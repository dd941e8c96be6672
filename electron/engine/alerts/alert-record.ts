import type { Acknowledgement, Alert, AlertRecording, RecordingMarker, Reception, Relevance } from '../../contract';
import { alertIdentity, type DescribedAlert } from '../../core/alerts';
import { parseHeader } from '../../core/alerts/header';

/**
 * An alert as the desk and the history hold it: the Alert DTO's facts plus what the DTO keeps
 * out of the UI (file paths, bus sample indices, the identity key). The DTO is derived from it.
 */
export interface AlertRecord {
  id: string;
  /** alertIdentity(raw, issuedAt): one alert per message. */
  identity: string;
  raw: string;
  originator: string;
  originatorName: string;
  event: string;
  eventName: string;
  category: string;
  callsign: string;
  locations: Array<{ code: string; name: string }>;
  issuedAt: string;
  expiresAt: string;
  text: string;
  /** First first. */
  receptions: ReceptionRecord[];
  relevance: Relevance;
  acknowledgement: Acknowledgement | null;
}

/** A new alert's record from its described header, first heard as `receptions` (first first). */
export function newAlertRecord(
  id: string,
  d: DescribedAlert,
  receptions: ReceptionRecord[],
  relevance: Relevance,
  acknowledgement: Acknowledgement | null = null,
): AlertRecord {
  return {
    id,
    identity: alertIdentity(d.raw, d.issuedAt),
    raw: d.raw,
    originator: d.originator,
    originatorName: d.originatorName,
    event: d.event,
    eventName: d.eventName,
    category: d.category,
    callsign: d.callsign,
    locations: d.locations.map((l) => ({ code: l.code, name: l.name })),
    issuedAt: d.issuedAt.toISOString(),
    expiresAt: d.expiresAt.toISOString(),
    text: d.text,
    receptions,
    relevance,
    acknowledgement,
  };
}

export interface ReceptionRecord {
  id: string;
  sourceId: string;
  receivedAt: string;
  bursts: number | null;
  bitConfidence: number | null;
  /** Bus sample of the header's first burst. */
  sampleIndex: number | null;
  recordingFile: string | null;
}

export interface RecordingRecord {
  file: string;
  sourceId: string;
  startedAt: string;
  /** Bus sample of the file's first sample. */
  startSample: number | null;
  durationS: number | null;
  bytes: number | null;
  complete: boolean;
  cutShort: boolean;
  markers: RecordingMarker[];
}

export type RecordingLookup = (file: string) => RecordingRecord | undefined;

export function recordingDto(r: RecordingRecord | undefined): AlertRecording | null {
  if (!r) return null;
  return { durationS: r.durationS, complete: r.complete, cutShort: r.cutShort, markers: r.markers };
}

export function receptionDto(r: ReceptionRecord, recordings: RecordingLookup): Reception {
  return {
    id: r.id,
    sourceId: r.sourceId,
    receivedAt: r.receivedAt,
    bursts: r.bursts,
    bitConfidence: r.bitConfidence,
    recording: r.recordingFile ? recordingDto(recordings(r.recordingFile)) : null,
  };
}

export function isActive(r: Pick<AlertRecord, 'expiresAt'>, nowMs: number): boolean {
  return Date.parse(r.expiresAt) > nowMs;
}

export function alertDto(r: AlertRecord, recordings: RecordingLookup, nowMs: number): Alert {
  const receptions = r.receptions.map((x) => receptionDto(x, recordings));
  const first = r.receptions[0];
  const last = r.receptions[r.receptions.length - 1];
  const active = isActive(r, nowMs);
  const locations = r.locations.map((l) => ({ code: l.code, name: l.name }));
  return {
    id: r.id,
    sourceId: (first?.sourceId ?? 'unknown') as Alert['sourceId'],
    raw: r.raw,
    originator: r.originator,
    originatorName: r.originatorName,
    event: r.event,
    eventName: r.eventName,
    category: r.category,
    locations,
    issuedAt: r.issuedAt,
    expiresAt: r.expiresAt,
    callsign: r.callsign,
    text: r.text,
    receivedAt: first?.receivedAt ?? r.issuedAt,
    active,
    recording: receptions.find((x) => x.recording !== null)?.recording ?? null,
    state: active ? 'active' : 'expired',
    lastReceivedAt: last?.receivedAt ?? r.issuedAt,
    receptions,
    relevance: r.relevance,
    acknowledgement: r.acknowledgement,
    flags: alertFlags(r.raw, r.callsign, receptions),
  };
}

/**
 * What the operator should know is unusual about how this message arrived: departures from
 * 47 CFR 11.31 the decoder accepted (the header's deviations) and a header decided on fewer
 * than three bursts. Derived from the stored header and receptions, so no migration is needed.
 */
export function alertFlags(raw: string, callsign: string, receptions: readonly Pick<Reception, 'bursts'>[]): string[] {
  const flags: string[] = [];
  const parsed = parseHeader(raw);
  for (const d of parsed.ok ? parsed.header.deviations : []) {
    if (d === 'nonconforming_sender_id') flags.push(`nonconforming sender ID "${callsign.trimEnd()}"`);
    else if (d === 'nonstandard_purge') flags.push('non-standard purge time');
  }
  const bursts = receptions.map((x) => x.bursts).filter((b): b is number => b !== null);
  const most = bursts.length ? Math.max(...bursts) : null;
  if (most === 2) flags.push('two of three bursts received');
  else if (most === 1) flags.push('one burst only (single-burst alerts are on)');
  return flags;
}

/** The first reception's recording file that exists: what alertAudioUrl(alert.id) plays. */
export function primaryRecordingFile(r: AlertRecord): string | null {
  return r.receptions.find((x) => x.recordingFile !== null)?.recordingFile ?? null;
}
