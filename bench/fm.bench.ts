// FM demodulation throughput: u8 IQ at 2.048 Msps (and the 1.024 Msps NOAA default) to
// 22050 Hz audio on one core. Prints Msps processed and the real-time factor, against two
// baselines measured in the same run: a plain u8 -> float copy (the memory floor) and a naive
// demodulator (per-sample Math.cos/sin NCO, full-rate FIR, Math.atan2, linear interpolation).
import { FmIqSynth, FmReceiverChain, designLowpass, type FmMode } from '../electron/core/dsp';
import { isMain, printTable } from './table';

const CHUNK = 65536; // bytes per call, what rtl_tcp delivers per read

function signal(rate: number, mode: FmMode, seconds: number, offsetHz = rate / 4): Uint8Array {
  const audio = new Float32Array(Math.round(22050 * seconds));
  for (let i = 0; i < audio.length; i++) audio[i] = 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 22050) + 0.3 * Math.sin((2 * Math.PI * 2083 * i) / 22050);
  const iq = new Uint8Array(2 * Math.round(rate * seconds));
  new FmIqSynth({ iqRate: rate, audio, audioRate: 22050, deviationHz: mode === 'wfm' ? 75_000 : 5_000, carrierOffsetHz: offsetHz, amplitude: 0.4, noiseDbfs: -25, seed: 3 }).fill(iq);
  return iq;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Best CPU time over `reps` passes of `fn` (after one warm-up pass), in ms. */
function best(fn: () => void, reps: number): number {
  fn();
  let min = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = cpuMs();
    fn();
    min = Math.min(min, cpuMs() - t0);
  }
  return min;
}

function feed(iq: Uint8Array, process: (chunk: Uint8Array) => unknown): void {
  for (let at = 0; at < iq.length; at += CHUNK) process(iq.subarray(at, at + CHUNK));
}

/** The textbook version, for scale: every step per sample, nothing reused. */
function naiveDemod(rate: number, offsetHz: number): (chunk: Uint8Array) => void {
  const factor = rate / 32_000;
  const taps = designLowpass(8_000, 12_500, rate, 60);
  const histRe = new Float64Array(taps.length);
  const histIm = new Float64Array(taps.length);
  let n = 0;
  let pRe = 1;
  let pIm = 0;
  let t = 0;
  let prevAudio = 0;
  const out = new Float32Array(8192);
  return (chunk) => {
    let o = 0;
    for (let i = 0; i + 1 < chunk.length; i += 2, n++) {
      const a = (-2 * Math.PI * offsetHz * n) / rate;
      const re = ((chunk[i]! - 127.5) / 127.5) * Math.cos(a) - ((chunk[i + 1]! - 127.5) / 127.5) * Math.sin(a);
      const im = ((chunk[i]! - 127.5) / 127.5) * Math.sin(a) + ((chunk[i + 1]! - 127.5) / 127.5) * Math.cos(a);
      histRe.copyWithin(1, 0);
      histIm.copyWithin(1, 0);
      histRe[0] = re;
      histIm[0] = im;
      let yRe = 0;
      let yIm = 0;
      for (let k = 0; k < taps.length; k++) {
        yRe += taps[k]! * histRe[k]!;
        yIm += taps[k]! * histIm[k]!;
      }
      if (n % factor !== 0) continue;
      const audio = Math.atan2(yIm * pRe - yRe * pIm, yRe * pRe + yIm * pIm);
      pRe = yRe;
      pIm = yIm;
      // 32 kHz -> 22050 Hz by linear interpolation.
      t += 22_050 / 32_000;
      if (t >= 1) {
        t -= 1;
        out[o++ & 8191] = prevAudio + (audio - prevAudio) * t;
      }
      prevAudio = audio;
    }
  };
}

interface Row {
  name: string;
  rate: number;
  ms: number;
  seconds: number;
}

export async function run(): Promise<void> {
  const seconds = Number(process.env.EAS_BENCH_SECONDS ?? 2);
  const reps = Number(process.env.EAS_BENCH_REPS ?? 5);
  const nfm2 = signal(2_048_000, 'nfm', seconds);
  const wfm2 = signal(2_048_000, 'wfm', seconds);
  const nfm1 = signal(1_024_000, 'nfm', seconds);
  const rows: Row[] = [];
  const add = (name: string, rate: number, iq: Uint8Array, make: () => (c: Uint8Array) => unknown, repeat = reps, part = 1) => {
    const slice = iq.subarray(0, 2 * Math.round((iq.length / 2) * part));
    const fn = make();
    rows.push({ name, rate, ms: best(() => feed(slice, fn), repeat), seconds: seconds * part });
  };

  const scratch = new Float32Array(CHUNK);
  add('baseline: u8 -> float copy', 2_048_000, nfm2, () => (c) => scratch.set(c));
  // The naive one is slow: a tenth of the signal, one timed pass.
  add('baseline: naive NFM demod', 2_048_000, nfm2, () => naiveDemod(2_048_000, 512_000), 1, 0.1);
  const chain = (rate: number, mode: FmMode, extra: object = {}) => () => {
    const c = new FmReceiverChain({ inputRate: rate, mode, ...extra });
    return (chunk: Uint8Array) => c.process(chunk);
  };
  add('NFM 2.048 Msps (rate/4 offset, fused front end)', 2_048_000, nfm2, chain(2_048_000, 'nfm'));
  add('NFM 2.048 Msps (unfused: mixer + FIR)', 2_048_000, nfm2, chain(2_048_000, 'nfm', { fuseFrontEnd: false }));
  add('NFM 2.048 Msps (300 kHz offset, table NCO)', 2_048_000, signal(2_048_000, 'nfm', seconds, 300_000), chain(2_048_000, 'nfm', { offsetHz: 300_000 }));
  add('WFM 2.048 Msps (rate/4 offset, fused front end)', 2_048_000, wfm2, chain(2_048_000, 'wfm'));
  add('WFM 2.048 Msps (unfused: mixer + FIR)', 2_048_000, wfm2, chain(2_048_000, 'wfm', { fuseFrontEnd: false }));
  add('NFM 1.024 Msps (NOAA default)', 1_024_000, nfm1, chain(1_024_000, 'nfm'));

  const naive = rows[1]!;
  const naiveMsps = (naive.rate * naive.seconds) / 1e6 / (naive.ms / 1000);
  printTable(
    ['case', 'Msps', 'x real time', 'CPU ms per s of IQ', 'x naive'],
    rows.map((r) => {
      const msps = (r.rate * r.seconds) / 1e6 / (r.ms / 1000);
      return [r.name, msps, msps / (r.rate / 1e6), r.ms / r.seconds, msps / naiveMsps];
    }),
  );
  const wfm = rows.find((r) => r.name.startsWith('WFM 2.048 Msps (rate/4'))!;
  const nfm = rows.find((r) => r.name.startsWith('NFM 2.048 Msps (rate/4'))!;
  const rt = (r: Row) => (r.seconds * 1000) / r.ms;
  console.log(`target: >= 30x real time at 2.048 Msps on one core; measured NFM ${rt(nfm).toFixed(1)}x, WFM ${rt(wfm).toFixed(1)}x (CPU time, best of ${reps})`);
}

if (isMain(import.meta.url)) await run();
