/**
 * The AudioWorklet end of the direct listening path: socket frames in over the port, the
 * jitter buffer out to the device, a stats report five times a second. Built by Vite as its
 * own file (imported with ?worker&url), so the CSP's script-src 'self' covers it.
 */
import { JitterBuffer } from './jitter-buffer';
import type { ToWorklet, WorkletStats } from './listen-messages';

// The AudioWorkletGlobalScope, which TypeScript's libs do not describe.
declare const sampleRate: number;
declare function registerProcessor(name: string, ctor: new () => object): void;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}

const REPORT_EVERY_S = 0.2;

class ListenProcessor extends AudioWorkletProcessor {
  private readonly jb = new JitterBuffer({ sampleRate, targetMs: 150 });
  private peak = 0;
  private sinceReport = 0;

  constructor() {
    super();
    this.port.onmessage = (e: MessageEvent<ToWorklet>) => {
      const m = e.data;
      if (m.type === 'frame') this.jb.push(new Int16Array(m.frame, m.headerBytes));
    };
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const channels = outputs[0];
    if (!channels || channels.length === 0) return true;
    const out = channels[0];
    this.jb.pull(out);
    for (let i = 0; i < out.length; i++) {
      const a = Math.abs(out[i]);
      if (a > this.peak) this.peak = a;
    }
    for (let c = 1; c < channels.length; c++) channels[c].set(out);
    this.sinceReport += out.length;
    if (this.sinceReport >= REPORT_EVERY_S * sampleRate) {
      const s = this.jb.snapshot();
      const report: WorkletStats = {
        type: 'stats',
        framesRendered: s.framesRendered,
        underruns: s.underruns,
        overruns: s.overruns,
        droppedSamples: s.droppedSamples,
        bufferedMs: (s.level / sampleRate) * 1000,
        ratio: s.ratio,
        playing: s.playing,
        peak: this.peak,
      };
      this.port.postMessage(report);
      this.peak = 0;
      this.sinceReport = 0;
    }
    return true;
  }
}

registerProcessor('eas-listen', ListenProcessor);
