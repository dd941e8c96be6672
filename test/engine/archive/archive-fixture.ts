import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArchiveStatus } from '../../../electron/contract';
import { ArchiveRecorder, type ArchiveRecorderOptions } from '../../../electron/engine/archive/archive-recorder';

export const RATE = 22050;
export const T0 = Date.UTC(2026, 11, 1, 3, 0, 0);

/** Tonal, amplitude-modulated test audio: Opus keeps its waveform, so correlation is meaningful. */
export function testSignal(seconds: number, seed = 1): Float32Array {
  const n = Math.round(seconds * RATE);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / RATE;
    const env = 0.5 + 0.4 * Math.sin(2 * Math.PI * 0.7 * t * seed);
    out[i] = env * (0.3 * Math.sin(2 * Math.PI * 330 * t) + 0.2 * Math.sin(2 * Math.PI * 757 * t + 1) + 0.1 * Math.sin(2 * Math.PI * 1210 * t));
  }
  return out;
}

/** A recorder on a temp archive driven by a fake clock that follows the audio pushed. */
export class RecorderRig {
  readonly root: string;
  readonly statuses: ArchiveStatus[] = [];
  readonly logs: string[] = [];
  clock = T0;
  readonly recorder: ArchiveRecorder;

  constructor(extra: Partial<ArchiveRecorderOptions> = {}, root?: string) {
    this.root = root ?? mkdtempSync(join(tmpdir(), 'eas-archive-'));
    this.recorder = new ArchiveRecorder({
      root: this.root,
      sourceId: 'src',
      sampleRate: RATE,
      bitrateKbps: 24,
      segmentSeconds: 4,
      minFreeBytes: 0,
      resumeMs: 1000,
      now: () => this.clock,
      onStatus: (s) => this.statuses.push(s),
      onLog: (_l, m) => this.logs.push(m),
      ...extra,
    });
  }

  /** Feeds `audio` in 20 ms blocks, the clock advancing with it. */
  push(audio: Float32Array): void {
    const block = 441;
    for (let i = 0; i < audio.length; i += block) {
      const b = audio.subarray(i, Math.min(audio.length, i + block));
      this.clock += (b.length / RATE) * 1000;
      this.recorder.push(b);
    }
  }

  async close(removeRoot = true): Promise<void> {
    await this.recorder.close();
    if (removeRoot) rmSync(this.root, { recursive: true, force: true });
  }
}

/** Best normalised correlation of `got` against `want` over lags of ±maxLag samples. */
export function bestCorrelation(want: Float32Array, got: Float32Array, maxLag: number): { r: number; lag: number } {
  let best = { r: -1, lag: 0 };
  const n = Math.min(want.length, got.length) - 2 * maxLag;
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = maxLag; i < maxLag + n; i++) {
      const x = want[i]!;
      const y = got[i + lag]!;
      sxy += x * y;
      sxx += x * x;
      syy += y * y;
    }
    const r = sxy / Math.sqrt(sxx * syy || 1);
    if (r > best.r) best = { r, lag };
  }
  return best;
}

/** What the next run of the source does first on `root`: recover what the last run left open, then stop. */
export async function recoverArchive(root: string, extra: Partial<ArchiveRecorderOptions> = {}): Promise<void> {
  const rig = new RecorderRig(extra, root);
  try {
    await rig.recorder.recover();
  } finally {
    await rig.close(false);
  }
}
