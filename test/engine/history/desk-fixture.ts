import { EventEmitter } from 'node:events';
import { BUS_RATE, DEFAULT_ALERT_SETTINGS, type Alert, type RelevanceSettings } from '../../../electron/contract';
import { describeAlert, judgeRelevance } from '../../../electron/core/alerts';
import { SameReceiver, encodeSame } from '../../../electron/core/same';
import { newAlertRecord, type AlertRecord } from '../../../electron/engine/alerts/alert-record';
import { AlertDesk } from '../../../electron/engine/alerts/alert-desk';
import { AlertHistory } from '../../../electron/engine/alerts/history/alert-history';
import { WriteBehind } from '../../../electron/engine/alerts/write-behind';
import type { EngineEventMap } from '../../../electron/engine/event-sink';
import { silentLogger } from '../../../electron/engine/log';
import type { WorkerDecoderEvent } from '../../../electron/engine/pipeline/messages';
import { toWorkerEvent } from '../../../electron/engine/pipeline/worker-decoder-event';
import { ProblemBoard } from '../../../electron/engine/status/problem-board';
import { loadTables } from '../../../native/tables-loader';
import { ManualClock } from './manual-clock';

export interface Pushed {
  name: keyof EngineEventMap;
  payload: unknown;
}

export interface DeskFixture {
  desk: AlertDesk;
  history: AlertHistory;
  writes: WriteBehind;
  clock: ManualClock;
  problems: ProblemBoard;
  events: EventEmitter<EngineEventMap>;
  pushed: Pushed[];
  onAir: Array<[string, Alert | null]>;
  lines: string[];
  relevance: RelevanceSettings;
  close(): void;
}

const WATCHED: Array<keyof EngineEventMap> = ['alerts.changed', 'alerts.updated', 'decoder.event', 'events.logged', 'problems.changed'];

/** A desk on a real history (a file, or in memory), its clock and timers in the test's hands. */
export function deskFixture(opts: { start: string; file?: string; clock?: ManualClock; relevance?: RelevanceSettings; retryMs?: number }): DeskFixture {
  const clock = opts.clock ?? new ManualClock(opts.start);
  const history = new AlertHistory(opts.file ?? ':memory:');
  const problems = new ProblemBoard(() => new Date(clock.now()));
  const writes = new WriteBehind({ history, dir: '/data', problems, log: silentLogger(), timers: clock, retryMs: opts.retryMs ?? 5000 });
  const events = new EventEmitter<EngineEventMap>();
  const pushed: Pushed[] = [];
  for (const name of WATCHED) events.on(name, (payload: unknown) => pushed.push({ name, payload }));
  problems.onChange((list) => events.emit('problems.changed', { problems: list }));
  const onAir: Array<[string, Alert | null]> = [];
  const lines: string[] = [];
  const f: DeskFixture = {
    desk: null as unknown as AlertDesk,
    history,
    writes,
    clock,
    problems,
    events,
    pushed,
    onAir,
    lines,
    relevance: structuredClone(opts.relevance ?? DEFAULT_ALERT_SETTINGS.relevance),
    close() {
      f.desk.close();
      writes.close();
      history.close();
    },
  };
  f.desk = new AlertDesk({
    history,
    writes,
    tables: loadTables(),
    log: silentLogger(),
    events,
    logEvent: (_level, message) => lines.push(message),
    onAir: (id, a) => onAir.push([id, a]),
    relevance: () => f.relevance,
    problems,
    dataDir: '/data',
    timers: clock,
  });
  return f;
}

/**
 * One source hearing a whole SAME message (three header bursts, attention, EOM): the SAME
 * encoder's audio through the real receiver, each event handed to the desk as the worker posts
 * it, the clock moving with the audio.
 */
export function hearMessage(f: DeskFixture, sourceId: string, header: string, opts: { attentionS?: number } = {}): WorkerDecoderEvent[] {
  const audio = encodeSame({ header, sampleRate: BUS_RATE, attention: { kind: 'nwr', seconds: opts.attentionS ?? 2 }, leadSilenceS: 0.5, tailSilenceS: 4 });
  const seen: WorkerDecoderEvent[] = [];
  const rx = new SameReceiver({
    sampleRate: BUS_RATE,
    onEvent: (e) => {
      const ev = toWorkerEvent(e);
      seen.push(ev);
      f.desk.decoder(sourceId, ev);
    },
  });
  const block = 2205;
  for (let i = 0; i < audio.length; i += block) {
    rx.push(audio.subarray(i, Math.min(audio.length, i + block)));
    f.clock.advance(100);
  }
  rx.flush();
  return seen;
}

export function payloads<T>(f: DeskFixture, name: keyof EngineEventMap): T[] {
  return f.pushed.filter((p) => p.name === name).map((p) => p.payload as T);
}

/** An alert record as the desk would build it for `raw` heard at `at` by each of `sources`. */
export function makeRecord(raw: string, at: string, sources: string[], relevance: RelevanceSettings = DEFAULT_ALERT_SETTINGS.relevance, id?: string): AlertRecord {
  const tables = loadTables();
  const d = describeAlert(raw, new Date(at), tables);
  if (!d.ok) throw new Error(d.error.message);
  const a = d.alert;
  const base = id ?? `${raw.slice(9, 12).toLowerCase()}-${Date.parse(at).toString(36)}`;
  return newAlertRecord(
    base,
    a,
    sources.map((sourceId, i) => ({
      id: i === 0 ? base : `${base}-r${i}`,
      sourceId,
      receivedAt: new Date(Date.parse(at) + i * 2000).toISOString(),
      bursts: 3,
      bitConfidence: 0.999,
      sampleIndex: i * 1000,
      recordingFile: null,
    })),
    judgeRelevance({ originator: a.originator, event: a.event, locations: a.header.locations }, relevance, tables),
  );
}
