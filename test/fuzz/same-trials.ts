// Trials for the SAME fuzz: a few bursts on the air (valid headers, mutated ones, random
// bytes, EOMs) through the public SameReceiver, and what must hold of what it reports.
import fc from 'fast-check';
import { parseHeader } from '../../electron/core/alerts/header';
import { burstLength, SameReceiver, writeBurst, type SameEvent } from '../../electron/core/same';
import { mulberry32 } from '../../electron/core/random';

export interface Channel {
  rate: number;
  amplitude: number;
  /** Sender bit clock relative to 520.83 bit/s. */
  bitRateFactor: number;
  toneOffsetHz: number;
  gapS: number;
  preambleBytes: number;
  /** Uniform noise, peak, relative to the amplitude (0: none). */
  noise: number;
  /** push() sizes. */
  chunk: number;
  /** Audio-level damage to one burst (never in a control trial). */
  damage: { burst: number; kind: 'cut' | 'junk' | 'clip'; at: number; length: number } | null;
  seed: number;
}

export interface Trial {
  /** 'junk-control': a clean header after junk audio, which must not leave the receiver deaf. */
  kind: 'control' | 'junk-control' | 'mutated-same' | 'mutated-each' | 'random' | 'zczc-random' | 'eom';
  /** What each burst carries after its preamble. */
  bursts: Uint8Array[];
  channel: Channel;
  /** Audio before the first burst: noise up to `level`, and single samples far out of range. */
  junk?: { seconds: number; level: number; spikes: Array<{ at: number; value: number }> };
}

const ORIGINATORS = ['PEP', 'CIV', 'WXR', 'EAS', 'EAN'] as const;
const CALLSIGN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/ '.split('');
/** Characters a header is made of: substitutions from these keep mutations plausible. */
const HEADER_CHARS = 'ZCN-+/ 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');

const pad = (n: number, w: number): string => String(n).padStart(w, '0');
const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

export const validHeader: fc.Arbitrary<string> = fc
  .record({
    org: fc.constantFrom(...ORIGINATORS),
    event: fc.stringMatching(/^[A-Z]{3}$/),
    locations: fc.array(fc.integer({ min: 0, max: 999_999 }), { minLength: 1, maxLength: 31, size: 'xsmall' }),
    purgeH: fc.integer({ min: 0, max: 99 }),
    purgeM: fc.integer({ min: 0, max: 59 }),
    day: fc.integer({ min: 1, max: 366 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    callsign: fc.array(fc.constantFrom(...CALLSIGN_CHARS), { minLength: 3, maxLength: 8 }).map((a) => a.join('')),
  })
  .map(
    (h) =>
      `ZCZC-${h.org}-${h.event}-${h.locations.map((l) => pad(l, 6)).join('-')}+${pad(h.purgeH, 2)}${pad(h.purgeM, 2)}-` +
      `${pad(h.day, 3)}${pad(h.hour, 2)}${pad(h.minute, 2)}-${h.callsign}-`,
  )
  .filter((h) => parseHeader(h).ok);

type Mutation =
  | { op: 'sub'; at: number; ch: number }
  | { op: 'del'; at: number }
  | { op: 'ins'; at: number; ch: number }
  | { op: 'flip'; at: number; bit: number }
  | { op: 'trunc'; at: number }
  | { op: 'dup'; at: number; len: number }
  | { op: 'swap'; at: number; to: number };

const anyChar = fc.oneof(
  fc.constantFrom(...HEADER_CHARS).map((c) => c.charCodeAt(0)),
  fc.integer({ min: 0, max: 255 }),
);
const at = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('sub' as const), at, ch: anyChar }),
  fc.record({ op: fc.constant('del' as const), at }),
  fc.record({ op: fc.constant('ins' as const), at, ch: anyChar }),
  fc.record({ op: fc.constant('flip' as const), at, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('trunc' as const), at }),
  fc.record({ op: fc.constant('dup' as const), at, len: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ op: fc.constant('swap' as const), at, to: at }),
);

export function mutate(text: Uint8Array, muts: readonly Mutation[]): Uint8Array {
  let b = Array.from(text);
  for (const m of muts) {
    const i = Math.floor(m.at * Math.max(1, b.length));
    switch (m.op) {
      case 'sub':
        if (b.length) b[i] = m.ch;
        break;
      case 'del':
        b.splice(i, 1);
        break;
      case 'ins':
        b.splice(i, 0, m.ch);
        break;
      case 'flip':
        if (b.length) b[i] = b[i]! ^ (1 << m.bit);
        break;
      case 'trunc':
        b = b.slice(0, i);
        break;
      case 'dup':
        b.splice(i, 0, ...b.slice(i, i + m.len));
        break;
      case 'swap': {
        const j = Math.floor(m.to * Math.max(1, b.length));
        if (b.length) [b[i], b[j]] = [b[j]!, b[i]!];
        break;
      }
    }
  }
  return Uint8Array.from(b);
}

const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });

function channel(control: boolean): fc.Arbitrary<Channel> {
  return fc.record({
    rate: fc.constantFrom(22050, 22050, 22050, 8000, 11025, 44100, 48000),
    amplitude: fc.double({ min: 0.05, max: control ? 0.9 : 1.2, noNaN: true }),
    bitRateFactor: fc.double({ min: 0.99, max: 1.01, noNaN: true }),
    toneOffsetHz: fc.double({ min: -30, max: 30, noNaN: true }),
    gapS: fc.double({ min: control ? 0.3 : 0.05, max: 1.2, noNaN: true }),
    preambleBytes: control ? fc.constant(16) : fc.integer({ min: 1, max: 16 }),
    noise: fc.oneof(fc.constant(0), fc.double({ min: 0, max: control ? 0.05 : 0.5, noNaN: true })),
    chunk: fc.oneof(fc.constant(735), fc.integer({ min: 1, max: 8192 })),
    damage: control
      ? fc.constant(null)
      : fc.option(
          fc.record({
            burst: fc.integer({ min: 0, max: 2 }),
            kind: fc.constantFrom('cut' as const, 'junk' as const, 'clip' as const),
            at: fc.double({ min: 0, max: 1, noNaN: true }),
            length: fc.double({ min: 0, max: 1, noNaN: true }),
          }),
          { freq: 3 },
        ),
    seed: fc.integer(),
  });
}

const randomBytes = fc.uint8Array({ minLength: 0, maxLength: 80 });

const junk = fc.record({
  seconds: fc.double({ min: 0.05, max: 2, noNaN: true }),
  level: fc.double({ min: 0, max: 4, noNaN: true }),
  spikes: fc.array(
    fc.record({ at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), value: fc.constantFrom(NaN, Infinity, -Infinity, 1e6, -1e6, 1e15, 40, -40) }),
    { maxLength: 4 },
  ),
});

export const trial: fc.Arbitrary<Trial> = fc.oneof(
  fc.record({ kind: fc.constant('control' as const), bursts: validHeader.map((h) => [bytes(h), bytes(h), bytes(h)]), channel: channel(true) }),
  fc.record({ kind: fc.constant('junk-control' as const), bursts: validHeader.map((h) => [bytes(h), bytes(h), bytes(h)]), channel: channel(true), junk }),
  fc.record({
    kind: fc.constant('mutated-same' as const),
    bursts: fc.tuple(validHeader, mutations, fc.integer({ min: 1, max: 3 })).map(([h, m, n]) => Array.from({ length: n }, () => mutate(bytes(h), m))),
    channel: channel(false),
  }),
  fc.record({
    kind: fc.constant('mutated-each' as const),
    bursts: fc.tuple(validHeader, fc.array(fc.option(mutations, { freq: 3 }), { minLength: 2, maxLength: 3 })).map(([h, ms]) =>
      ms.map((m) => (m ? mutate(bytes(h), m) : bytes(h))),
    ),
    channel: channel(false),
  }),
  fc.record({ kind: fc.constant('random' as const), bursts: fc.array(randomBytes, { minLength: 1, maxLength: 3 }), channel: channel(false) }),
  fc.record({
    kind: fc.constant('zczc-random' as const),
    bursts: fc.array(fc.string({ unit: fc.constantFrom(...HEADER_CHARS), maxLength: 60 }).map((s) => bytes(`ZCZC-${s}`)), { minLength: 1, maxLength: 3 }),
    channel: channel(false),
  }),
  fc.record({
    kind: fc.constant('eom' as const),
    bursts: fc.tuple(mutations, fc.integer({ min: 1, max: 3 }), fc.boolean()).map(([m, n, clean]) => Array.from({ length: n }, () => (clean ? bytes('NNNN') : mutate(bytes('NNNN'), m)))),
    channel: channel(false),
  }),
);

/** Noise and junk reproducible from the trial's seed: the project's one PRNG. */
const prng = mulberry32;

/** The trial as audio: lead silence, each burst then its gap, a short tail. */
export function render(t: Trial): Float32Array {
  const c = t.channel;
  const opts = { sampleRate: c.rate, amplitude: c.amplitude, bitRate: 520.83 * c.bitRateFactor, toneOffsetHz: c.toneOffsetHz, preambleBytes: c.preambleBytes };
  const gap = Math.round(c.gapS * c.rate);
  const junkLen = t.junk ? Math.round(t.junk.seconds * c.rate) : 0;
  // Junk, then 1.5 s of quiet: what follows is a fresh transmission, not part of the junk.
  const lead = Math.round(0.2 * c.rate) + (junkLen > 0 ? junkLen + Math.round(1.5 * c.rate) : 0);
  let total = lead + Math.round(0.3 * c.rate);
  for (const b of t.bursts) total += burstLength(b.length, opts) + gap;
  const out = new Float32Array(total);
  const rnd = prng(c.seed);
  if (t.junk) {
    for (let i = 0; i < junkLen; i++) out[i] = (rnd() * 2 - 1) * t.junk.level;
    for (const s of t.junk.spikes) out[Math.floor(s.at * junkLen)] = s.value;
  }
  let pos = lead;
  t.bursts.forEach((b, k) => {
    const n = writeBurst(out, pos, b, opts);
    const d = c.damage;
    if (d && d.burst === k) {
      const from = pos + Math.floor(d.at * n);
      const to = Math.min(pos + n, from + Math.ceil(d.length * n));
      for (let i = from; i < to; i++) {
        if (d.kind === 'cut') out[i] = 0;
        else if (d.kind === 'junk') out[i] = (rnd() * 2 - 1) * 1.5;
        else out[i] = Math.max(-0.2, Math.min(0.2, out[i]! * 4));
      }
    }
    pos += n + gap;
  });
  if (c.noise > 0) {
    const peak = c.noise * c.amplitude;
    for (let i = 0; i < out.length; i++) out[i]! += (rnd() + rnd() - 1) * peak;
  }
  return out;
}

export interface TrialResult {
  headers: Array<Extract<SameEvent, { type: 'header' }>>;
  eoms: number;
  bursts: number;
}

export function receive(t: Trial, audio: Float32Array): TrialResult {
  const result: TrialResult = { headers: [], eoms: 0, bursts: 0 };
  const rx = new SameReceiver({
    sampleRate: t.channel.rate,
    onEvent: (e) => {
      if (e.type === 'header') result.headers.push(e);
      else if (e.type === 'eom') result.eoms++;
      else if (e.type === 'burst') result.bursts++;
    },
  });
  const step = t.channel.chunk;
  for (let i = 0; i < audio.length; i += step) rx.push(audio.subarray(i, i + step));
  rx.flush();
  return result;
}

const ZCZC = [0x5a, 0x43, 0x5a, 0x43];
/** The framer syncs on the preamble's end plus 'ZCZC' within this many bit errors (framer.ts). */
const SYNC_CHAR_ERRORS = 7;

function popcount8(x: number): number {
  let n = 0;
  for (; x; x &= x - 1) n++;
  return n;
}

/**
 * Where in a burst the receiver may take 'ZCZC' to start: at the payload's start, at any
 * 'ZCZC' further in (within the framer's sync tolerance; the bytes before it pass for a
 * damaged preamble), or a byte early, the last preamble byte read as a damaged 'Z'.
 */
export function syncOffsets(payload: Uint8Array, preambleBytes: number): number[] {
  const at = (o: number): number => (o < 0 ? 0xab : payload[o]!);
  const out: number[] = [];
  for (let o = -Math.min(preambleBytes, 3); o + 4 <= Math.max(4, payload.length); o++) {
    let errors = 0;
    for (let k = 0; k < 4; k++) errors += popcount8((o + k < payload.length ? at(o + k) : 0) ^ ZCZC[k]!);
    if (errors <= SYNC_CHAR_ERRORS || o === 0) out.push(o);
  }
  return out;
}

/**
 * Every bit of the header after its 'ZCZC' (the sync pattern, matched within a tolerance and the
 * same in every header) was on the air in at least two bursts, at the same position from where
 * each was synced: what a 2-of-3 vote promises.
 */
export function carriedByTwo(raw: string, bursts: readonly Uint8Array[], preambleBytes: number): boolean {
  const offsets = bursts.map((b) => syncOffsets(b, preambleBytes));
  const choice = new Array<number>(bursts.length).fill(0);
  const fits = (): boolean => {
    for (let i = 4; i < raw.length; i++) {
      const c = raw.charCodeAt(i);
      for (let k = 0; k < 8; k++) {
        const bit = (c >> k) & 1;
        let agree = 0;
        for (let j = 0; j < bursts.length; j++) {
          const b = bursts[j]!;
          const at = offsets[j]![choice[j]!]! + i;
          if (at >= 0 && at < b.length && ((b[at]! >> k) & 1) === bit) agree++;
        }
        if (agree < 2) return false;
      }
    }
    return true;
  };
  const search = (j: number): boolean => {
    if (j === bursts.length) return fits();
    for (let c = 0; c < offsets[j]!.length; c++) {
      choice[j] = c;
      if (search(j + 1)) return true;
    }
    return false;
  };
  return search(0);
}

/** The header's text after 'ZCZC' went out verbatim in at least one burst. */
export function sentVerbatim(raw: string, bursts: readonly Uint8Array[], preambleBytes: number): boolean {
  return bursts.some((b) =>
    syncOffsets(b, preambleBytes).some((o) => {
      for (let i = 4; i < raw.length; i++) if (o + i < 0 || o + i >= b.length || b[o + i] !== raw.charCodeAt(i)) return false;
      return true;
    }),
  );
}

export function describeTrial(t: Trial): string {
  const text = (b: Uint8Array): string => JSON.stringify(String.fromCharCode(...b));
  return `${t.kind}: ${t.bursts.map(text).join(' | ')} @ ${JSON.stringify(t.channel)}${t.junk ? ` after junk ${JSON.stringify(t.junk)}` : ''}`;
}

export interface TrialVerdict {
  /** What must never happen (a crash is thrown, not returned). */
  problem: string | null;
  /**
   * A header that went out verbatim in one burst, where another burst of the group disagreed
   * and the SAME grammar settled it (only one reading is a valid header): allowed by the
   * receiver's design, counted and shown.
   */
  grammarDecided: string | null;
}

/** Checks one trial. */
export function checkTrial(t: Trial, r: TrialResult): TrialVerdict {
  const pre = t.channel.preambleBytes;
  let grammarDecided: string | null = null;
  for (const h of r.headers) {
    if (!parseHeader(h.raw).ok) return { problem: `header ${JSON.stringify(h.raw)} does not parse`, grammarDecided };
    if (carriedByTwo(h.raw, t.bursts, pre)) continue;
    if (!sentVerbatim(h.raw, t.bursts, pre)) return { problem: `phantom header ${JSON.stringify(h.raw)}: no burst sent it and no two bursts carried it`, grammarDecided };
    if (h.bursts < 2) return { problem: `header ${JSON.stringify(h.raw)} from a single burst`, grammarDecided };
    grammarDecided = h.raw;
  }
  const problem = checkCounts(t, r);
  return { problem, grammarDecided };
}

function checkCounts(t: Trial, r: TrialResult): string | null {
  if (r.headers.length > 1) return `${r.headers.length} headers from one transmission`;
  if (t.kind === 'control' || t.kind === 'junk-control') {
    const sent = String.fromCharCode(...t.bursts[0]!);
    if (r.headers.length !== 1 || r.headers[0]!.raw !== sent) return `control header ${JSON.stringify(sent)} not decoded (got ${JSON.stringify(r.headers.map((h) => h.raw))})`;
  }
  return null;
}
