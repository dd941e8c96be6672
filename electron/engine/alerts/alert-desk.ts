import {
  BUS_RATE,
  ContractError,
  type Alert,
  type AlertDetail,
  type DecoderEvent,
  type HistoryFilter,
  type HistoryPage,
  type RelevanceSettings,
} from '../../contract';
import { alertDetail, alertIdentity, describeAlert, judgeRelevance, parseHeader, type DescribedAlert, type SameTables } from '../../core/alerts';
import type { EngineEventMap, EventSink, LogEvent } from '../event-sink';
import type { Logger } from '../log';
import type { WorkerDecoderEvent } from '../pipeline/messages';
import type { PipelineRecording } from '../pipeline/source-pipeline';
import type { ProblemBoard } from '../status/problem-board';
import { alertDto, isActive, newAlertRecord, primaryRecordingFile, type AlertRecord, type ReceptionRecord, type RecordingRecord } from './alert-record';
import { DecoderLog } from './decoder-log';
import { EventLog } from './event-log';
import { ExpiryTimer } from './expiry-timer';
import type { AlertHistory } from './history/alert-history';
import { matchesInMemory } from './memory-filter';
import { RecordingMarkers } from './recording-markers';
import { realTimers, type Timers, type WriteBehind } from './write-behind';

export interface AlertDeskOptions {
  history: AlertHistory;
  /** Where every history write goes (behind the alert path). */
  writes: WriteBehind;
  tables: SameTables;
  log: Logger;
  /** Pushes decoder.event, alerts.changed, alerts.updated, events.logged. */
  events: EventSink;
  /** Operator-facing lines (a recording that failed). */
  logEvent: LogEvent;
  /** What a source's streams announce: the alert it carries, or null after the EOM. */
  onAir(sourceId: string, alert: Alert | null): void;
  /** The relevance settings now. */
  relevance(): RelevanceSettings;
  problems: ProblemBoard;
  /** The data dir, named in problems about recordings. */
  dataDir: string;
  timers?: Timers;
  /** The station's time zone for alert text (IANA name); the system's when it returns null. */
  timeZone?(): string | null;
}

/** A recording its source's worker is writing, and what the desk learns about it meanwhile. */
interface OpenRecording {
  file: string;
  markers: RecordingMarkers;
  alertIds: string[];
}

export const RECORDING_PROBLEM = 'recording_failed';
/** Expired alerts kept in memory (for repeats and relays heard after expiry, acknowledgements). */
const RECENT_KEPT = 500;
/** Bursts remembered per source: a header's three and a few more. */
const RECENT_BURSTS = 6;
/** How far around a reception the detail view looks for decoder events. */
const DETAIL_BEFORE_MS = 60_000;
const DETAIL_AFTER_MS = 5 * 60_000;

/**
 * Where decoder events become alerts. One alert per message: a header heard again (a repeat,
 * a relay, another input) becomes a reception of the alert it names. The alert is published
 * (alerts.changed, alerts.updated, decoder.event, the stream title) before it is stored, and
 * storing goes through the write-behind, so a failing disk cannot stop or lose it. Active
 * alerts live in memory; a timer set to the next expiry turns them expired at their purge time.
 */
export class AlertDesk {
  private readonly timers: Timers;
  private readonly store: AlertHistory;
  private readonly writes: WriteBehind;
  private readonly decoderLog = new DecoderLog();
  readonly eventLog: EventLog;
  /** Alerts in memory: every active one and the most recently touched others. */
  private readonly records = new Map<string, AlertRecord>();
  private readonly byIdentity = new Map<string, string>();
  private readonly receptionOwner = new Map<string, string>();
  private readonly recordings = new Map<string, RecordingRecord>();
  private readonly open = new Map<string, OpenRecording>();
  /**
   * Per source, the last bursts: a header's bursts are over before the worker starts its
   * recording (it starts on the header), so they are replayed into the new recording's markers.
   */
  private readonly recentBursts = new Map<string, WorkerDecoderEvent[]>();
  /** Alerts whose latest state has not reached the database yet. */
  private readonly unsaved = new Set<string>();
  private readonly expiry: ExpiryTimer;
  private activeAlerts: Alert[] = [];
  private activeIds = new Set<string>();
  private seq = 0;
  private readonly idPrefix = Math.random().toString(36).slice(2, 5);

  constructor(private readonly opts: AlertDeskOptions) {
    this.timers = opts.timers ?? realTimers;
    this.store = opts.history;
    this.writes = opts.writes;
    this.eventLog = new EventLog(opts.writes, opts.events, this.timers);
    this.expiry = new ExpiryTimer(this.timers, () => this.refreshActive());
    try {
      for (const e of this.store.recentDecoderEvents(200)) this.decoderLog.add(e);
      const { records, recordings } = this.store.active(this.nowIso());
      for (const [file, r] of recordings) this.recordings.set(file, r);
      for (const r of records) this.remember(r);
    } catch (err) {
      opts.log.error({ err }, 'could not read the active alerts from the history');
    }
    this.refreshActive();
  }

  // ---- reading ------------------------------------------------------------------------------

  /** Unexpired alerts, relevant or not, earliest first. */
  active(): Alert[] {
    return this.activeAlerts;
  }

  recentEvents(limit: number): DecoderEvent[] {
    return this.decoderLog.recent(limit);
  }

  /** The old paging: newest first, older than `beforeId`. */
  history(limit: number, beforeId?: string): Alert[] {
    const now = this.now();
    const page = this.read(() => this.store.list(limit, beforeId, new Date(now).toISOString()));
    const alerts = this.pageDtos(page.records, page.recordings, now);
    return beforeId ? alerts : this.withUnsaved(alerts, {}, limit, now);
  }

  page(filter: HistoryFilter, cursor: string | undefined, limit: number): HistoryPage {
    const now = this.now();
    const page = this.read(() => this.store.page(filter, cursor, limit, new Date(now).toISOString()));
    const alerts = this.pageDtos(page.records, page.recordings, now);
    return { alerts: cursor ? alerts : this.withUnsaved(alerts, filter, limit, now), nextCursor: page.nextCursor };
  }

  get(id: string): Alert | null {
    const found = this.find(id);
    return found ? this.dto(found) : null;
  }

  detail(id: string): AlertDetail {
    const r = this.find(id);
    if (!r) throw new ContractError('not_found', `no alert ${id}`);
    const parsed = parseHeader(r.raw);
    const purge = parsed.ok ? `+${String(parsed.header.purge.hours).padStart(2, '0')}${String(parsed.header.purge.minutes).padStart(2, '0')}` : '';
    const decoderEvents: DecoderEvent[] = [];
    const log = this.read(() => this.store.logOfAlert(r.id));
    for (const x of r.receptions) {
      const t = Date.parse(x.receivedAt);
      const rec = x.recordingFile ? this.recordingOf(x.recordingFile) : undefined;
      const after = Math.max(DETAIL_AFTER_MS, (rec?.durationS ?? 0) * 1000);
      const around = this.read(() =>
        this.store.decoderEventsBetween(x.sourceId, new Date(t - DETAIL_BEFORE_MS).toISOString(), new Date(t + after).toISOString()),
      );
      for (const e of around) if (!decoderEvents.some((d) => d.id === e.id)) decoderEvents.push(e);
    }
    decoderEvents.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
    return { alert: this.dto(r), purge, deviations: parsed.ok ? parsed.header.deviations : [], decoderEvents, log };
  }

  /** The audio file of an alert (or of one reception), or null when it has none. */
  recordingFile(id: string): string | null {
    const mem = this.records.get(id);
    if (mem) return primaryRecordingFile(mem);
    const owner = this.receptionOwner.get(id);
    if (owner) return this.records.get(owner)?.receptions.find((x) => x.id === id)?.recordingFile ?? null;
    try {
      return this.store.recordingFile(id);
    } catch {
      return null;
    }
  }

  // ---- changing -----------------------------------------------------------------------------

  acknowledge(id: string, by: string, note: string | undefined): Alert {
    const r = this.find(id);
    if (!r) throw new ContractError('not_found', `no alert ${id}`);
    if (!r.acknowledgement) {
      r.acknowledgement = { by, at: this.nowIso(), note: note ? note : null };
      this.opts.log.info({ alertId: r.id, by }, 'alert acknowledged');
      this.remember(r);
      this.changed(r);
      this.save(r);
    }
    return this.dto(r);
  }

  /** Relevance settings changed: the active alerts are judged again (history keeps its verdicts). */
  relevanceChanged(): void {
    const s = this.opts.relevance();
    for (const id of this.activeIds) {
      const r = this.records.get(id);
      if (!r) continue;
      const verdict = judgeRelevance({ originator: r.originator, event: r.event, locations: r.locations.map((l) => l.code) }, s, this.opts.tables);
      if (JSON.stringify(verdict) === JSON.stringify(r.relevance)) continue;
      r.relevance = verdict;
      this.changed(r);
      this.save(r);
    }
  }

  /** Retention deleted these alerts: they leave memory too. */
  forget(ids: Iterable<string>): void {
    for (const id of ids) {
      const r = this.records.get(id);
      if (!r || this.activeIds.has(id)) continue;
      this.drop(r);
    }
  }

  /** The engine's tick: a guard for a timer delayed past its due time (cheap: one comparison). */
  tick(nowMs: number): void {
    const due = this.expiry.due;
    if (due !== null && nowMs >= due) this.refreshActive();
  }

  close(): void {
    this.expiry.cancel();
  }

  // ---- from the source workers --------------------------------------------------------------

  decoder(sourceId: string, ev: WorkerDecoderEvent): void {
    if (ev.type === 'link') return;
    const open = this.open.get(sourceId);
    if (open) {
      open.markers.event(ev);
      // Stored as they are learned, so a crash before the recording ends keeps them.
      const rec = this.recordings.get(open.file);
      if (rec) {
        rec.markers = open.markers.markers;
        this.saveRecording(rec);
      }
    }
    if (ev.type === 'burst') {
      const recent = this.recentBursts.get(sourceId) ?? [];
      recent.push(ev);
      if (recent.length > RECENT_BURSTS) recent.shift();
      this.recentBursts.set(sourceId, recent);
    }
    const event = this.describe(sourceId, ev, this.now());
    this.decoderLog.add(event);
    this.publish('decoder.event', event);
    this.opts.log.info({ sourceId, kind: event.kind, raw: event.raw }, 'decoder event');
    if (event.kind !== 'burst') this.writes.put(`event:${event.id}`, (h) => h.addDecoderEvent(event), true);
  }

  /** The worker posts a recording's start just before the header that caused it. */
  recording(sourceId: string, r: PipelineRecording): void {
    const now = this.now();
    if (r.phase === 'start') {
      const markers = new RecordingMarkers(r.startSample);
      for (const b of this.recentBursts.get(sourceId) ?? []) markers.event(b);
      this.open.set(sourceId, { file: r.file, markers, alertIds: [] });
      const rec = openRecording(r, sourceId, now, markers.markers);
      this.recordings.set(r.file, rec);
      this.saveRecording(rec);
      return;
    }
    const open = this.open.get(sourceId);
    const mine = open?.file === r.file ? open : null;
    if (mine) this.open.delete(sourceId);
    const rec = this.recordings.get(r.file) ?? openRecording(r, sourceId, now, []);
    rec.durationS = r.durationS;
    rec.bytes = r.durationS === null ? null : 44 + Math.round(r.durationS * BUS_RATE) * 2;
    rec.complete = r.error === null;
    if (mine) rec.markers = mine.markers.markers;
    this.recordings.set(r.file, rec);
    const alertId = mine?.alertIds[0] ?? null;
    if (r.error) {
      this.opts.logEvent('error', `${sourceId}: ${r.error}`);
      this.opts.problems.raise(RECORDING_PROBLEM, `alert recording failed on ${sourceId}: ${r.error}`, sourceId);
      this.eventLog.add('recording', 'error', `${sourceId}: ${r.error}`, { sourceId, alertId });
    } else {
      this.opts.problems.clear(RECORDING_PROBLEM, sourceId);
    }
    this.saveRecording(rec);
    for (const id of mine?.alertIds ?? []) {
      const a = this.records.get(id);
      if (a) this.changed(a);
    }
  }

  // ---- inside -------------------------------------------------------------------------------

  private now(): number {
    return this.timers.now();
  }

  /**
   * Pushes an event. A listener that throws (a UI transport, say) is logged: it must not stop
   * the rest of the alert path (storing, the stream title).
   */
  private publish<E extends 'decoder.event' | 'alerts.updated' | 'alerts.changed'>(name: E, payload: EngineEventMap[E][0]): void {
    try {
      (this.opts.events.emit as (n: E, p: EngineEventMap[E][0]) => boolean)(name, payload);
    } catch (err) {
      this.opts.log.error({ err, event: name }, 'an alert event listener failed');
    }
  }

  /** The stream title, guarded the same way. */
  private announce(sourceId: string, alert: Alert | null): void {
    try {
      this.opts.onAir(sourceId, alert);
    } catch (err) {
      this.opts.log.error({ err, sourceId }, 'announcing the alert on the stream failed');
    }
  }

  private nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  private newId(now: number): string {
    return `${now.toString(36)}-${this.idPrefix}${(this.seq++).toString(36)}`;
  }

  /** Reads the database; a failure is the contract's 'unavailable', naming why. */
  private read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof ContractError) throw err;
      throw new ContractError('unavailable', `the alert history cannot be read: ${(err as Error).message}`);
    }
  }

  private recordingOf(file: string): RecordingRecord | undefined {
    return this.recordings.get(file);
  }

  private dto(r: AlertRecord): Alert {
    return alertDto(r, (f) => this.recordings.get(f), this.now());
  }

  /** Database rows give way to memory, which is never older. */
  private pageDtos(records: AlertRecord[], recordings: Map<string, RecordingRecord>, now: number): Alert[] {
    return records.map((r) => {
      const mem = this.records.get(r.id);
      if (mem) return this.dto(mem);
      return alertDto(r, (f) => this.recordings.get(f) ?? recordings.get(f), now);
    });
  }

  /** On a first page, alerts the database does not have yet (it is failing) come first. */
  private withUnsaved(alerts: Alert[], filter: HistoryFilter, limit: number, now: number): Alert[] {
    if (this.unsaved.size === 0) return alerts;
    const have = new Set(alerts.map((a) => a.id));
    const extra: Alert[] = [];
    for (const id of this.unsaved) {
      const r = this.records.get(id);
      if (!r || have.has(id)) continue;
      const dto = this.dto(r);
      if (matchesInMemory(dto, filter, now)) extra.push(dto);
    }
    if (extra.length === 0) return alerts;
    extra.sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
    return [...extra, ...alerts].slice(0, Math.max(limit, extra.length));
  }

  private find(id: string): AlertRecord | null {
    const mem = this.records.get(id) ?? this.records.get(this.receptionOwner.get(id) ?? '');
    if (mem) return mem;
    const stored = this.read(() => this.store.get(id));
    if (!stored) return null;
    for (const [file, rec] of stored.recordings) if (!this.recordings.has(file)) this.recordings.set(file, rec);
    this.remember(stored.record);
    return stored.record;
  }

  private findByIdentity(identity: string): AlertRecord | null {
    const id = this.byIdentity.get(identity);
    if (id) return this.records.get(id) ?? null;
    try {
      const stored = this.store.findByIdentity(identity);
      if (!stored) return null;
      for (const [file, rec] of stored.recordings) if (!this.recordings.has(file)) this.recordings.set(file, rec);
      return stored.record;
    } catch (err) {
      // Unreadable history: the alert is taken as new rather than not taken at all.
      this.opts.log.warn({ err }, 'history lookup failed; treating the header as a new alert');
      return null;
    }
  }

  /** Keeps an alert in memory, most recent last, evicting old expired ones. */
  private remember(r: AlertRecord): void {
    this.records.delete(r.id);
    this.records.set(r.id, r);
    this.byIdentity.set(r.identity, r.id);
    for (const x of r.receptions) this.receptionOwner.set(x.id, r.id);
    if (this.records.size <= this.activeIds.size + RECENT_KEPT) return;
    const now = this.now();
    for (const old of this.records.values()) {
      if (this.records.size <= this.activeIds.size + RECENT_KEPT) break;
      if (old === r || isActive(old, now) || this.unsaved.has(old.id)) continue;
      this.drop(old);
    }
  }

  private drop(r: AlertRecord): void {
    this.records.delete(r.id);
    if (this.byIdentity.get(r.identity) === r.id) this.byIdentity.delete(r.identity);
    for (const x of r.receptions) {
      this.receptionOwner.delete(x.id);
      const file = x.recordingFile;
      if (file && ![...this.open.values()].some((o) => o.file === file)) this.recordings.delete(file);
    }
  }

  private save(r: AlertRecord): void {
    this.unsaved.add(r.id);
    this.writes.put(`alert:${r.id}`, (h) => {
      h.saveAlert(r);
      this.unsaved.delete(r.id);
    });
  }

  private saveRecording(rec: RecordingRecord): void {
    this.writes.put(`recording:${rec.file}`, (h) => h.saveRecording(rec));
  }

  /** Pushes one changed alert: alerts.updated always, alerts.changed when it is (or was) active. */
  private changed(r: AlertRecord): void {
    const dto = this.dto(r);
    this.publish('alerts.updated', { alerts: [dto] });
    if (dto.active || this.activeIds.has(r.id)) this.refreshActive(true);
  }

  /** Recomputes the active set; pushes it when it (or, with `force`, an alert in it) changed. */
  private refreshActive(force = false): void {
    const now = this.now();
    const active: AlertRecord[] = [];
    let next: number | null = null;
    const expired: AlertRecord[] = [];
    for (const r of this.records.values()) {
      if (isActive(r, now)) {
        active.push(r);
        const t = Date.parse(r.expiresAt);
        if (next === null || t < next) next = t;
      } else if (this.activeIds.has(r.id)) {
        expired.push(r);
      }
    }
    active.sort((a, b) => (a.receptions[0]?.receivedAt ?? '').localeCompare(b.receptions[0]?.receivedAt ?? ''));
    this.expiry.arm(next);
    const ids = new Set(active.map((r) => r.id));
    const same = ids.size === this.activeIds.size && [...ids].every((id) => this.activeIds.has(id));
    this.activeIds = ids;
    this.activeAlerts = active.map((r) => this.dto(r));
    if (expired.length > 0) this.publish('alerts.updated', { alerts: expired.map((r) => this.dto(r)) });
    if (same && !force) return;
    this.publish('alerts.changed', { active: this.activeAlerts });
  }

  /** Turns a worker event into the contract's DecoderEvent; a header also becomes (or adds to) an alert. */
  private describe(sourceId: string, ev: Exclude<WorkerDecoderEvent, { type: 'link' }>, nowMs: number): DecoderEvent {
    const now = new Date(nowMs);
    const base = { id: this.newId(nowMs), sourceId, receivedAt: now.toISOString(), sampleIndex: ev.sample };
    switch (ev.type) {
      case 'header': {
        const d = describeAlert(ev.raw, now, this.opts.tables, this.opts.timeZone?.() ?? systemTimeZone());
        if (!d.ok) {
          // The receiver only emits headers the parser accepts; this guards a version skew.
          this.eventLog.add('decoder', 'warn', `${sourceId}: header not understood (${d.error.message}): ${ev.raw}`, { sourceId });
          return { ...base, kind: 'header', raw: ev.raw, text: `not an alert: ${d.error.message}`, detail: { bursts: ev.bursts } };
        }
        const alert = this.heard(sourceId, d.alert, base.id, ev, nowMs);
        const detail: Record<string, string | number | boolean | null> = { bursts: ev.bursts, ...alertDetail(d.alert), alertId: alert.id };
        if (ev.bitConfidence !== undefined) detail.bitConfidence = ev.bitConfidence;
        if (ev.note) detail.note = ev.note;
        if (d.alert.header.deviations.length) detail.deviations = d.alert.header.deviations.join(',');
        return { ...base, kind: 'header', raw: ev.raw, text: alert.text, detail };
      }
      case 'eom':
        this.announce(sourceId, null);
        return { ...base, kind: 'eom', raw: 'NNNN', text: 'End of message' };
      case 'attention': {
        const durationS = ev.phase === 'end' ? ev.durationS : null;
        return {
          ...base,
          kind: 'attention',
          raw: null,
          text:
            durationS === null
              ? `Attention signal (${ev.kind}) started`
              : `Attention signal (${ev.kind}) ended after ${durationS.toFixed(1)} s`,
          detail: { phase: ev.phase, tone: ev.kind, durationS },
        };
      }
      case 'burst':
        return { ...base, kind: 'burst', raw: ev.text, text: null, detail: { bitErrorEstimate: ev.bitErrorEstimate } };
    }
  }

  /** A header heard: a new alert, or a reception of the alert it already is. Published, then stored. */
  private heard(sourceId: string, d: DescribedAlert, receptionId: string, ev: Extract<WorkerDecoderEvent, { type: 'header' }>, nowMs: number): Alert {
    const open = this.open.get(sourceId);
    const reception: ReceptionRecord = {
      id: receptionId,
      sourceId,
      receivedAt: new Date(nowMs).toISOString(),
      bursts: ev.bursts,
      bitConfidence: ev.bitConfidence ?? null,
      sampleIndex: ev.sample,
      recordingFile: open?.file ?? null,
    };
    const identity = alertIdentity(d.raw, d.issuedAt);
    let r = this.findByIdentity(identity);
    if (r) {
      r.receptions.push(reception);
    } else {
      const relevance = judgeRelevance({ originator: d.originator, event: d.event, locations: d.header.locations }, this.opts.relevance(), this.opts.tables);
      r = newAlertRecord(receptionId, d, [reception], relevance);
    }
    if (open && !open.alertIds.includes(r.id)) open.alertIds.push(r.id);
    this.remember(r);
    this.changed(r);
    const dto = this.dto(r);
    this.announce(sourceId, dto);
    if (ev.bursts < 3 || ev.note) {
      const why = ev.note ?? `decoded from ${ev.bursts} of 3 bursts`;
      this.eventLog.add('decoder', 'warn', `${sourceId}: ${d.event} header ${why}`, { sourceId, alertId: r.id });
    }
    this.save(r);
    return dto;
  }
}

/** The machine's zone, as the console shows times when no station zone is set. */
function systemTimeZone(): string | null {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone ?? null;
  } catch {
    return null;
  }
}

/**
 * A recording as known when it starts; also what the end of one never seen starting (the desk
 * restarted in between) begins from.
 */
function openRecording(r: PipelineRecording, sourceId: string, now: number, markers: RecordingRecord['markers']): RecordingRecord {
  return {
    file: r.file,
    sourceId,
    startedAt: new Date(now).toISOString(),
    startSample: r.startSample,
    durationS: null,
    bytes: null,
    complete: false,
    cutShort: false,
    markers,
  };
}
