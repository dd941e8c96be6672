// Timed markers for the listening benches: a 0.2 s tone every 2 s over a quiet hum, each
// tone's frequency naming its number modulo 16, so a listener that is many seconds behind
// (Icecast's default 64 KB burst is 4-16 s) still knows which marker it heard first.

export const MARKER_PERIOD_S = 2;
export const MARKER_TONE_S = 0.2;
const IDS = 16;
const AMP = 0.5 * 32767;
/** Linear amplitude (of full scale) above which a window counts as a marker. */
const LOUD = 0.1;

export function markerHz(n: number): number {
  return 500 + 100 * (n % IDS);
}

/**
 * What plays between the markers. `noise`: white noise at -30 dBFS RMS, which no encoder can
 * squeeze, so streams run at their nominal bitrate as with programme audio. `hum`: a -43 dBFS
 * 300 Hz tone, nearly silence, on which ABR encoders (AAC, Vorbis) undershoot their bitrate
 * and a burst sized in bytes holds more seconds. Both stay far below LOUD.
 */
export type Background = 'noise' | 'hum';

/** Uniform in [-1, 1) from the sample index: a hash, so the programme stays a pure function. */
function noiseAt(i: number): number {
  let x = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x / 2147483648;
}

/** Sample i of the marker programme at `rate`: a pure function, so both ends know what was sent. */
export function markerSample(i: number, rate: number, background: Background = 'noise'): number {
  const period = MARKER_PERIOD_S * rate;
  const n = Math.floor(i / period);
  const off = i - n * period;
  if (off < MARKER_TONE_S * rate) return Math.round(AMP * Math.sin((2 * Math.PI * markerHz(n) * off) / rate));
  if (background === 'hum') return Math.round(300 * Math.sin((2 * Math.PI * 300 * i) / rate));
  return Math.round(0.0316 * Math.sqrt(3) * 32767 * noiseAt(i));
}

/** Fills `out` with the programme from sample index `start`. */
export function fillMarkers(out: Int16Array, start: number, rate: number, background: Background = 'noise'): void {
  for (let i = 0; i < out.length; i++) out[i] = markerSample(start + i, rate, background);
}

export interface FoundMarker {
  /** Sample index of the onset in the decoded audio. */
  sample: number;
  /** Marker number modulo 16, from the tone's frequency. */
  id: number;
}

/** Goertzel power of `hz` over pcm[from, from + len). */
function power(pcm: Int16Array, from: number, len: number, hz: number, rate: number): number {
  const c = 2 * Math.cos((2 * Math.PI * hz) / rate);
  let s1 = 0;
  let s2 = 0;
  for (let i = from; i < from + len; i++) {
    const s0 = pcm[i]! + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - c * s1 * s2;
}

/**
 * Marker onsets in decoded mono s16: a loud 10 ms window after at least 0.3 s of quiet ones
 * seen in this audio (a listener that starts inside a tone cannot know where it began), the
 * onset refined to the first loud sample, the id read from the tone's frequency.
 */
export function findMarkers(pcm: Int16Array, rate: number): FoundMarker[] {
  const win = Math.round(rate / 100);
  const needQuiet = 30;
  const out: FoundMarker[] = [];
  let quiet = 0;
  let wasLoud = false;
  const amp = LOUD * 32768;
  const toneLen = Math.round(0.1 * rate);
  for (let w = 0; (w + 1) * win <= pcm.length; w++) {
    let sum = 0;
    for (let i = w * win; i < (w + 1) * win; i++) sum += (pcm[i]! / 32768) ** 2;
    const loud = Math.sqrt(sum / win) > LOUD;
    if (loud && !wasLoud && quiet >= needQuiet) {
      let s = w * win;
      while (s < (w + 1) * win && Math.abs(pcm[s]!) < amp) s++;
      const from = s + Math.round(0.02 * rate);
      if (from + toneLen <= pcm.length) {
        let best = 0;
        let bestP = -1;
        for (let id = 0; id < IDS; id++) {
          const p = power(pcm, from, toneLen, markerHz(id), rate);
          if (p > bestP) {
            bestP = p;
            best = id;
          }
        }
        out.push({ sample: s, id: best });
      }
    }
    quiet = loud ? 0 : quiet + 1;
    wasLoud = loud;
  }
  return out;
}

/**
 * The marker heard at `heardMs` with this id: the latest one that had entered by then (plus a
 * little measurement slack). Null when none did.
 */
export function matchMarker(id: number, heardMs: number, entries: ReadonlyMap<number, number>): { n: number; entryMs: number } | null {
  let found: { n: number; entryMs: number } | null = null;
  for (const [n, entryMs] of entries) {
    if (n % IDS !== id || entryMs > heardMs + 50) continue;
    if (!found || n > found.n) found = { n, entryMs };
  }
  return found;
}

export const median = (a: number[]): number => {
  const s = a.filter(Number.isFinite).sort((x, y) => x - y);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
};

export const max = (a: number[]): number => {
  const s = a.filter(Number.isFinite);
  return s.length ? Math.max(...s) : NaN;
};
