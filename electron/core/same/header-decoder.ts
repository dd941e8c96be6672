/**
 * Stage 6: the most likely SAME header given combined per-bit LLRs, and how likely it is to be
 * exactly right. The grammar is the code: every header is one of a few hundred layouts
 * (1 to 31 locations, a station id of 3 to 8 characters), and each position of a layout admits a
 * known alphabet (a digit, an upper-case letter, an id character, a fixed '-' or '+'), some fields a
 * known set of values (five originators, days 001-366, hours 00-23). Decoding picks, per layout, the
 * best value of each field from its alphabet, and weighs the layouts against each other.
 *
 * Scores are log-likelihood ratios against "random bits" (log 2σ(±L) per bit), so layouts of
 * different lengths compare fairly: bytes after a layout's end count zero. Each position may also be
 * an outlier: random bytes, or (likelier for a damaged or mutated sender) a valid character with one
 * bit flipped. That is what keeps a burst with a grammar violation from being "corrected" into a
 * valid header: once the offending bit is more certain than the outlier's prior (combined LLR above
 * about 11), the outlier explains it better than the nearest valid character. Where the carrier is
 * known to be off (per-byte presence evidence from the demodulator), a layout that puts characters
 * there is penalised, so a header that lost its last characters is never completed.
 *
 * The result's `pWrong` is 1 - P(layout) · Π P(field value | layout): the posterior probability that
 * the decoded text differs from what was sent in any position.
 */
import { KNOWN_ORIGINATORS, MAX_LOCATIONS, parseHeader, type SameHeader } from '../alerts/header';

/** Prior probability that the sender put random bytes at a position. */
const OUTLIER = 1e-4;
/** Prior probability that the sender put a valid character with one bit flipped at a position. */
const OUTLIER_FLIP = 1e-4;
/**
 * Prior probability that the transmission stopped before its header was complete, at a given unit
 * (field or fixed character) where the carrier then looks off: a truncated header.
 */
const TRUNCATED = 1e-4;
/** LLRs beyond this carry no more information (and would overflow e^L). */
const MAX_LLR = 200;
const MIN_CALL = 3;
const MAX_CALL = 8;
/** Prior of a station id of 8 characters (the rule); the rest share what is left. */
const PRIOR_CALL8 = 0.95;

const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const CALL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/ ';

export interface DecodedHeader {
  raw: string;
  header: SameHeader;
  /** Posterior probability that `raw` is not exactly what was sent. */
  pWrong: number;
  /** Posterior of the chosen layout (locations and id length). */
  layoutPosterior: number;
  /**
   * Probability that every bit is right if the sender followed the grammar (layout posterior times
   * each field's posterior among its allowed values): exactly 1 for clean bursts.
   */
  bitConfidence: number;
}

function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

interface Choice {
  /** Log marginal of the unit (field or position) under the layout, against random bits. */
  lm: number;
  /** The same without outliers (the grammar taken as certain). */
  lmg: number;
  /** Log posterior that the chosen value is what was sent (an outlier that happens to equal it counts). */
  lp: number;
  /** Log posterior of the chosen value among the values the grammar allows here. */
  lg: number;
  text: string;
}

const ALPHABETS = new Map<string, readonly string[]>();
const FLIP_TABLES = new WeakMap<readonly string[], Uint8Array>();

/**
 * For each value and each of its bits: 1 if flipping that bit gives a string outside `values`
 * (a corrupted value), 0 if it gives another valid one (which the valid hypothesis already holds).
 */
function flipsOutside(values: readonly string[]): Uint8Array {
  let t = FLIP_TABLES.get(values);
  if (t) return t;
  const len = values[0].length;
  const set = new Set(values);
  t = new Uint8Array(values.length * 8 * len);
  for (let v = 0; v < values.length; v++) {
    for (let i = 0; i < len; i++) {
      for (let k = 0; k < 8; k++) {
        const s = values[v];
        const flipped = s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ (1 << k)) + s.slice(i + 1);
        t[8 * len * v + 8 * i + k] = set.has(flipped) ? 0 : 1;
      }
    }
  }
  FLIP_TABLES.set(values, t);
  return t;
}

/** Per-position scores of each character, built once per decode. */
class Scores {
  /** log 2σ(L) and log 2σ(-L) per bit: the score of that bit being 1, or 0. */
  private readonly one: Float64Array;
  private readonly zero: Float64Array;
  /** e^L per bit (what flipping a 1 to a 0 multiplies the likelihood by is e^-L; 0 to 1, e^L). */
  private readonly grow: Float64Array;
  constructor(
    readonly llr: Float32Array,
    readonly positions: number,
    readonly presence: Float32Array | null,
  ) {
    const n = positions * 8;
    this.one = new Float64Array(n);
    this.zero = new Float64Array(n);
    this.grow = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const L = Math.max(-MAX_LLR, Math.min(MAX_LLR, llr[i]));
      this.one[i] = Math.LN2 - softplus(-L);
      this.zero[i] = Math.LN2 - softplus(L);
      this.grow[i] = Math.exp(L);
    }
  }

  /** Score of `text` at positions p.. (log likelihood ratio against random bits). */
  score(p: number, text: string): number {
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      const o = 8 * (p + i);
      for (let k = 0; k < 8; k++) s += (code >> k) & 1 ? this.one[o + k] : this.zero[o + k];
    }
    return s;
  }

  /**
   * Σ, over the bits of `text` whose flip gives no valid value (`invalid`, 8 per character), of
   * the factor flipping that bit gives its likelihood.
   */
  private flips(p: number, text: string, invalid: Uint8Array, at: number): number {
    let f = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      const o = 8 * (p + i);
      for (let k = 0; k < 8; k++) {
        if (!invalid[at + 8 * i + k]) continue;
        f += (code >> k) & 1 ? 1 / this.grow[o + k] : this.grow[o + k];
      }
    }
    return f;
  }

  /** Penalty for putting a character where the carrier looks off. */
  absence(p: number): number {
    const v = this.presence ? this.presence[p] : 0;
    return v < 0 ? v : 0;
  }

  /** One position drawn from `alphabet` (or an outlier). */
  position(p: number, alphabet: string): Choice {
    let values = ALPHABETS.get(alphabet);
    if (!values) {
      values = alphabet.split('');
      ALPHABETS.set(alphabet, values);
    }
    return this.unit(p, values);
  }

  /**
   * A unit (one position, or a field of consecutive positions) holding one of `values` (equal
   * length). Besides the valid values, the sender may have sent an outlier: random bytes
   * (OUTLIER per position), or a valid value with one bit flipped (OUTLIER_FLIP per position),
   * which is what a corrupted header usually is and what a received bit error looks like.
   */
  field(p: number, values: readonly string[]): Choice {
    return this.unit(p, values);
  }

  private unit(p: number, values: readonly string[]): Choice {
    const len = values[0].length;
    const scores = new Float64Array(values.length);
    let max = -Infinity;
    let best = 0;
    for (let v = 0; v < values.length; v++) {
      scores[v] = this.score(p, values[v]);
      if (scores[v] > max) {
        max = scores[v];
        best = v;
      }
    }
    // Σ e^s and Σ e^s·flips, scaled by e^-max.
    let sum = 0;
    let flipped = 0;
    const invalid = flipsOutside(values);
    for (let v = 0; v < values.length; v++) {
      const w = Math.exp(scores[v] - max);
      sum += w;
      if (w > 1e-30) flipped += w * this.flips(p, values[v], invalid, 8 * len * v);
    }
    let absent = 0;
    for (let i = 0; i < len; i++) absent += this.absence(p + i);
    const logSum = max + Math.log(sum);
    const logN = Math.log(values.length);
    const valid = Math.log1p(-(OUTLIER + OUTLIER_FLIP) * len) - logN;
    const random = Math.log(OUTLIER * len);
    const flip = flipped > 0 ? Math.log(OUTLIER_FLIP * len) - Math.log(8 * len) - logN + max + Math.log(flipped) : -Infinity;
    const lm = logAddExp(logAddExp(valid + logSum, random), flip) + absent;
    // The chosen value may also have been sent as random bytes that happen to be it.
    const lp = logAddExp(valid, random - 8 * len * Math.LN2) + max + absent - lm;
    return { lm, lmg: logSum - logN + absent, lp, lg: max - logSum, text: values[best] };
  }
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');
const DAYS = Array.from({ length: 366 }, (_, i) => pad(i + 1, 3));
const HOURS = Array.from({ length: 24 }, (_, i) => pad(i, 2));

/** Log prior of a layout: locations uniform, the id's length mostly 8. */
function logPrior(callLen: number): number {
  const call = callLen === MAX_CALL ? PRIOR_CALL8 : (1 - PRIOR_CALL8) / (MAX_CALL - MIN_CALL);
  return Math.log(call) - Math.log(MAX_LOCATIONS);
}

/**
 * A station id shorter than 8 that the burst continues past: more id characters and a '-' within
 * the 8 (while the carrier is still on). The sender may have sent "KEA-/NWS" (a '-' inside the id),
 * which parseHeader refuses as ambiguous; taking "KEA" would be a guess.
 */
function idContinues(sc: Scores, end: number, callLen: number): boolean {
  if (callLen >= MAX_CALL) return false;
  for (let p = end; p < Math.min(sc.positions, end + MAX_CALL - callLen + 1); p++) {
    if (sc.presence && sc.presence[p] < 0) return false;
    let byte = 0;
    for (let k = 0; k < 8; k++) if (sc.llr[8 * p + k] > 0) byte |= 1 << k;
    if (byte === 45) return p > end;
    if (CALL.indexOf(String.fromCharCode(byte)) < 0) return false;
  }
  return false;
}

/**
 * Decodes `llr` (bit 0 = LSB of the first character 'Z'); `bits` of it were observed. `presence`,
 * if given, holds per byte the log-likelihood ratio that the carrier was on.
 */
export function decodeHeader(llr: Float32Array, bits: number, presence: Float32Array | null = null): DecodedHeader | null {
  const positions = Math.min(Math.floor(bits / 8), 13 + 7 * MAX_LOCATIONS + 14 + MAX_CALL);
  // Shortest layout: one location, a 3-character id.
  if (positions < 27 + 7 + MIN_CALL) return null;
  const sc = new Scores(llr, positions, presence);

  // "ZCZC-ORG-EEE-"
  const head: Choice[] = [];
  for (let p = 0; p < 5; p++) head.push(sc.position(p, 'ZCZC-'[p]));
  head.push(sc.field(5, KNOWN_ORIGINATORS));
  head.push(sc.position(8, '-'));
  for (let p = 9; p < 12; p++) head.push(sc.position(p, UPPER));
  head.push(sc.position(12, '-'));

  const locations: Choice[][] = [];
  const dash: Choice[] = [];
  const plus: Choice[] = [];
  for (let j = 0; j < MAX_LOCATIONS; j++) {
    const at = 13 + 7 * j;
    if (at + 7 > positions) break;
    const digits: Choice[] = [];
    for (let i = 0; i < 6; i++) digits.push(sc.position(at + i, DIGITS));
    locations.push(digits);
    dash.push(sc.position(at + 6, '-'));
    plus.push(sc.position(at + 6, '+'));
  }

  const sum = (cs: Choice[]): number => cs.reduce((s, c) => s + c.lm, 0);
  const sumg = (cs: Choice[]): number => cs.reduce((s, c) => s + c.lmg, 0);
  const headLm = sum(head);
  const headLmg = sumg(head);
  let locLm = 0;
  let locLmg = 0;
  let dashLm = 0;
  let dashLmg = 0;
  let bestScore = -Infinity;
  let bestScoreG = -Infinity;
  let bestUnits: Choice[] | null = null;
  let bestCall = 0;
  let total = -Infinity;
  let totalG = -Infinity;
  for (let n = 1; n <= locations.length; n++) {
    locLm += sum(locations[n - 1]);
    locLmg += sumg(locations[n - 1]);
    if (n >= 2) {
      dashLm += dash[n - 2].lm;
      dashLmg += dash[n - 2].lmg;
    }
    const t = 13 + 7 * n;
    if (t + 14 + MIN_CALL > positions) break;
    const tail: Choice[] = [
      sc.position(t, DIGITS),
      sc.position(t + 1, DIGITS),
      sc.position(t + 2, '012345'),
      sc.position(t + 3, DIGITS),
      sc.position(t + 4, '-'),
      sc.field(t + 5, DAYS),
      sc.field(t + 8, HOURS),
      sc.position(t + 10, '012345'),
      sc.position(t + 11, DIGITS),
      sc.position(t + 12, '-'),
    ];
    const tailLm = sum(tail);
    const tailLmg = sumg(tail);
    const call: Choice[] = [];
    let callLm = 0;
    let callLmg = 0;
    // Station id of `len` characters at t+13.., its '-' at t+13+len (which must have been heard).
    for (let len = 1; len <= MAX_CALL && t + 13 + len < positions; len++) {
      const c = sc.position(t + 12 + len, CALL);
      call.push(c);
      callLm += c.lm;
      callLmg += c.lmg;
      if (len < MIN_CALL) continue;
      const last = sc.position(t + 13 + len, '-');
      const prior = logPrior(len);
      const score = headLm + locLm + dashLm + plus[n - 1].lm + tailLm + callLm + last.lm + prior;
      const scoreG = headLmg + locLmg + dashLmg + plus[n - 1].lmg + tailLmg + callLmg + last.lmg + prior;
      total = logAddExp(total, score);
      totalG = logAddExp(totalG, scoreG);
      if (score > bestScore) {
        bestScore = score;
        bestScoreG = scoreG;
        bestCall = len;
        bestUnits = [...head];
        for (let j = 0; j < n; j++) {
          bestUnits.push(...locations[j]);
          bestUnits.push(j < n - 1 ? dash[j] : plus[j]);
        }
        bestUnits.push(...tail, ...call, last);
      }
    }
  }
  if (!bestUnits) return null;
  // Rival to every layout: the best one cut short before one of its units where the carrier looks
  // off, everything from the cut on being bytes past the end (scored zero, like any). The
  // carrier-presence penalty is the same for all layouts that reach a position, so without this
  // rival it cancels out: a truncated burst whose missing '-' is read from the first bit after
  // the carrier (the filters' tail, 1 like the '-''s) would be completed into a header.
  if (sc.presence) {
    let prefix = logPrior(bestCall) + Math.log(TRUNCATED);
    let at = 0;
    for (const u of bestUnits) {
      if (at > 0 && at < sc.presence.length && sc.presence[at] < 0) total = logAddExp(total, prefix);
      prefix += u.lm;
      at += u.text.length;
    }
  }
  const layoutLogPost = bestScore - total;
  let logConf = layoutLogPost;
  let logGrammar = bestScoreG - totalG;
  let raw = '';
  for (const u of bestUnits) {
    logConf += u.lp;
    logGrammar += u.lg;
    raw += u.text;
  }
  if (idContinues(sc, raw.length, bestCall)) return null;
  const parsed = parseHeader(raw);
  if (!parsed.ok) return null;
  return { raw, header: parsed.header, pWrong: -Math.expm1(Math.min(0, logConf)), layoutPosterior: Math.exp(layoutLogPost), bitConfidence: Math.exp(Math.min(0, logGrammar)) };
}
