// Shared parts of the source reliability tests: programme audio with and without an alert,
// the ffmpeg children of this process as /proc shows them, and a watcher that records every
// state a source showed and every header the engine decoded.
import { existsSync } from 'node:fs';
import type { DecoderEvent, SourceStatus } from '../../electron/contract';
import { StationAudio } from '../../electron/core/demo/station-audio';
import { encodeSame } from '../../electron/core/same';
import type { Engine } from '../../electron/engine/engine';
import { waitFor } from '../helpers/wait';

export const RATE = 22050;

/** Station-like talk and music (well above the -50 dBFS silence threshold). */
export function programme(seconds: number, seed: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * RATE));
  new StationAudio(RATE, seed).fill(out);
  return out;
}

/** A header issued now, so nothing downstream treats it as stale. */
export function headerNow(event: string, callsign = 'KEAX/NWS'): string {
  const now = new Date();
  const day = Math.floor((now.getTime() - Date.UTC(now.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `ZCZC-WXR-${event}-029095+0030-${String(day).padStart(3, '0')}${p2(now.getUTCHours())}${p2(now.getUTCMinutes())}-${callsign}-`;
}

/** `beforeS` of programme, the alert (header x3, 2 s attention, EOM x3), then `afterS` of programme. */
export function programmeWithAlert(header: string, beforeS: number, afterS: number, seed: number): Float32Array {
  const alert = encodeSame({ header, sampleRate: RATE, attention: { kind: 'nwr', seconds: 2 }, amplitude: 0.5 });
  const before = programme(beforeS, seed);
  const after = programme(afterS, seed + 1);
  const out = new Float32Array(before.length + alert.length + after.length);
  out.set(before, 0);
  out.set(alert, before.length);
  out.set(after, before.length + alert.length);
  return out;
}

export { ffmpegChildren } from '../helpers/processes';

/** /proc/PID disappears only once the process is reaped. */
export function alive(pid: number): boolean {
  return existsSync(`/proc/${pid}`);
}

/** Everything one engine showed of its sources and decoded, for bounded waits and messages. */
export class SourceWatch {
  readonly states = new Map<string, Array<{ state: string; error: string | null }>>();
  readonly headers: DecoderEvent[] = [];

  constructor(private readonly engine: Engine) {
    engine.on('sources.changed', (list) => this.record(list));
    engine.on('decoder.event', (e) => {
      if (e.kind === 'header') this.headers.push(e);
    });
  }

  private record(list: SourceStatus[]): void {
    for (const s of list) {
      const seen = this.states.get(s.id) ?? [];
      const last = seen.at(-1);
      if (!last || last.state !== s.state || last.error !== s.error) seen.push({ state: s.state, error: s.error });
      this.states.set(s.id, seen);
    }
  }

  status(id: string): SourceStatus | undefined {
    return this.engine.sourceStatuses().find((s) => s.id === id);
  }

  history(id: string): string {
    return (this.states.get(id) ?? []).map((s) => `${s.state}${s.error ? ` (${s.error})` : ''}`).join(' -> ') || 'no states';
  }

  /** Waits until the source's status shows `state` (checked on the live status, not only events). */
  waitState(id: string, state: SourceStatus['state'], timeoutMs: number, what = `source ${id} to be ${state}`): Promise<SourceStatus> {
    return waitFor(what, () => (this.status(id)?.state === state ? this.status(id) : undefined), timeoutMs, {
      stepMs: 50,
      detail: () => `states of ${id}: ${this.history(id)}`,
    });
  }

  /** Waits for a header with exactly `raw` from source `id`. */
  waitHeader(id: string, raw: string, timeoutMs: number): Promise<DecoderEvent> {
    return waitFor(`the header ${raw} decoded from ${id}`, () => this.headers.find((h) => h.sourceId === id && h.raw === raw), timeoutMs, {
      stepMs: 50,
      detail: () => `headers seen: ${this.headers.map((h) => `${h.sourceId}: ${h.raw}`).join(', ') || 'none'}; states of ${id}: ${this.history(id)}`,
    });
  }
}
