// SAME decoder benchmark: one hour of 22050 Hz audio (programme audio, white noise and 10 alerts
// with distinct headers) written to bench/output/ as raw s16le, decoded by our receiver and, when
// Debian's multimon-ng is installed, by `multimon-ng -t raw -a EAS` on the same file in the same
// run. Prints wall time, real-time factor, the ours/theirs ratio and both header counts; then an
// SNR sweep from +10 to -9 dB with, per level and decoder, exact and wrong headers, attention
// signals and EOMs, and the lowest SNR at which each decoder still gets every header. Last, a
// phantom run: hours of speech-like, music-like and noise audio without SAME through our receiver
// (0.25 h by default; `npm run bench same -- --hours 24` or SAME_PHANTOM_HOURS=24 for the long one).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readSync, closeSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { encodeSame, SameReceiver } from '../electron/core/same/index';
import { fillGaussian, mulberry32, musicLike, sinePower, speechLike, toS16le } from '../test/helpers/signals';
import { isMain, printTable } from './table';

const RATE = 22050;
const AMPLITUDE = 0.5;
const MULTIMON = '/usr/bin/multimon-ng';
const OUT_DIR = fileURLToPath(new URL('./output/', import.meta.url));

function header(k: number): string {
  const events = ['TOR', 'SVR', 'FFW', 'RWT', 'RMT', 'SVS', 'FLW', 'WSW', 'CEM', 'EVI'];
  const orgs = ['WXR', 'WXR', 'WXR', 'WXR', 'EAS', 'WXR', 'WXR', 'WXR', 'CIV', 'CIV'];
  const locs = Array.from({ length: 1 + (k % 4) }, (_, i) => `0${String(29 + i).padStart(2, '0')}${String(95 + 2 * k).padStart(3, '0')}`).join('-');
  return `ZCZC-${orgs[k]}-${events[k]}-${locs}+0030-${String(100 + k).padStart(3, '0')}${String(10 + k).padStart(2, '0')}${String(5 * k).padStart(2, '0')}-KEAX/NWS-`;
}

/**
 * `seconds` of audio with `headers` placed evenly: each a full message (3 headers, an NWR
 * attention signal of `attentionS`, 10 s voice placeholder with programme audio, 3 EOMs) over
 * programme audio at -26 dBFS when `programme`, plus white noise at `snrDb` against the AFSK power.
 * Written straight to s16le in slices to bound memory.
 */
function writeTestFile(path: string, seconds: number, headers: string[], snrDb: number, seed: number, programme = true, attentionS = 8): void {
  const total = Math.round(seconds * RATE);
  const messages = headers.map((h) => encodeSame({ header: h, sampleRate: RATE, amplitude: AMPLITUDE, attention: attentionS > 0 ? { kind: 'nwr', seconds: attentionS } : null, voiceSeconds: programme ? 10 : 0 }));
  const starts = headers.map((_, k) => Math.floor(((k + 0.5) * total) / headers.length - messages[k].length / 2));
  const sigma = Math.sqrt(sinePower(AMPLITUDE) / Math.pow(10, snrDb / 10));
  // Programme: a minute each of speech and music, sliced at random offsets and levels.
  const speech = programme ? speechLike(60, RATE, seed + 1, 0.05) : null;
  const music = programme ? musicLike(60, RATE, seed + 2, 0.05) : null;
  const rand = mulberry32(seed);
  const slice = 10 * RATE;
  const block = new Float32Array(slice);
  const fd = openSync(path, 'w');
  try {
    for (let at = 0; at < total; at += slice) {
      const n = Math.min(slice, total - at);
      const buf = n === slice ? block : block.subarray(0, n);
      fillGaussian(buf, sigma, seed * 7919 + at);
      if (speech && music) {
        const src = rand() < 0.5 ? speech : music;
        const off = Math.floor(rand() * (src.length - slice));
        for (let i = 0; i < n; i++) buf[i] += src[off + i];
      }
      for (let k = 0; k < messages.length; k++) {
        const m = messages[k];
        const from = Math.max(at, starts[k]);
        const to = Math.min(at + n, starts[k] + m.length);
        for (let i = from; i < to; i++) buf[i - at] += m[i - starts[k]];
      }
      writeFileSync(fd, toS16le(buf));
    }
  } finally {
    closeSync(fd);
  }
}

interface DecodeResult {
  ms: number;
  headers: string[];
  eoms: number;
  /** Attention signals reported (start and end); null when the decoder does not report them. */
  attention: number | null;
}

/** Our receiver on the file, streaming it as an engine source would (read, convert, push). */
function decodeOurs(path: string): DecodeResult {
  const t0 = performance.now();
  const headers: string[] = [];
  let eoms = 0;
  let attention = 0;
  const rx = new SameReceiver({
    sampleRate: RATE,
    onEvent: (e) => {
      if (e.type === 'header') headers.push(e.raw);
      else if (e.type === 'eom') eoms++;
      else if (e.type === 'attention' && e.phase === 'end') attention++;
    },
  });
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(1 << 18);
  const f = new Float32Array(buf.length / 2);
  try {
    for (;;) {
      const bytes = readSync(fd, buf, 0, buf.length, null);
      if (bytes <= 0) break;
      const n = bytes >> 1;
      const pcm = new Int16Array(buf.buffer, buf.byteOffset, n);
      for (let i = 0; i < n; i++) f[i] = pcm[i] * (1 / 32768);
      rx.push(n === f.length ? f : f.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  rx.flush();
  return { ms: performance.now() - t0, headers, eoms, attention };
}

/** multimon-ng on the same file; its EAS lines look like "EAS: ZCZC-...-". */
function decodeMultimon(path: string): Promise<DecodeResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(MULTIMON, ['-q', '-t', 'raw', '-a', 'EAS', path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      const ms = performance.now() - t0;
      const lines = out.split('\n').map((l) => l.trim());
      const headers = lines.map((l) => /^EAS:\s+(ZCZC-\S.*-)\s*$/.exec(l)?.[1]).filter((h): h is string => !!h);
      const eoms = lines.filter((l) => /^EAS:\s+NNNN/.test(l)).length;
      resolve({ ms, headers, eoms, attention: null });
    });
  });
}

function exactCount(got: string[], want: string[]): number {
  return want.filter((h) => got.includes(h)).length;
}

/** Hours of the phantom run: `--hours N` on the command line, else SAME_PHANTOM_HOURS, else 0.25. */
function phantomHours(): number {
  const argv = process.argv;
  const at = argv.indexOf('--hours');
  const text = at >= 0 ? argv[at + 1] : process.env.SAME_PHANTOM_HOURS;
  if (text === undefined) return 0.25;
  const h = Number(text);
  if (!Number.isFinite(h) || h <= 0) throw new Error(`--hours / SAME_PHANTOM_HOURS must be a positive number of hours, got ${JSON.stringify(text)}`);
  return h;
}

/**
 * `hours` of programme-like audio without SAME, generated 10 s at a time (nothing but the block
 * and the clips it is cut from is held) and pushed into one receiver as a station's input would
 * be. Each block is speech, music, both, or noise alone, at a random level (-40 to 0 dB re the
 * clips' peak of 0.9, so some clip at full scale) and polarity, with white noise under it most of
 * the time; the clips are regenerated every 10 minutes with new seeds so the day never repeats.
 */
export function phantomRun(hours: number): Array<Array<string | number>> {
  const slice = 10 * RATE;
  const blocks = Math.ceil((hours * 3600) / 10);
  const clipS = 120;
  const rand = mulberry32(4242);
  const block = new Float32Array(slice);
  const noise = new Float32Array(slice);
  const count = { header: 0, eom: 0, attention: 0, burst: 0 };
  const t0 = performance.now();
  const rx = new SameReceiver({
    sampleRate: RATE,
    onEvent: (e) => {
      if (e.type === 'header') {
        count.header++;
        console.log(`PHANTOM HEADER at ${(e.sample / RATE / 3600).toFixed(3)} h: ${e.raw}`);
      } else if (e.type === 'eom') count.eom++;
      else if (e.type === 'attention' && e.phase === 'start') count.attention++;
      else if (e.type === 'burst') {
        // A false sync: harmless while no header follows, but worth seeing what set it off.
        count.burst++;
        console.log(`phantom burst at ${(e.sample / RATE / 3600).toFixed(3)} h: ${JSON.stringify(e.text)} (bit error estimate ${e.bitErrorEstimate.toFixed(2)})`);
      }
    },
  });
  let speech: Float32Array = new Float32Array(0);
  let music: Float32Array = new Float32Array(0);
  for (let k = 0; k < blocks; k++) {
    if (k % 60 === 0) {
      speech = speechLike(clipS, RATE, 1000 + k, 0.9);
      music = musicLike(clipS, RATE, 2000 + k, 0.9);
    }
    const a = Math.floor(rand() * (speech.length - slice));
    const b = Math.floor(rand() * (music.length - slice));
    const mode = rand();
    const level = Math.pow(10, (-rand() * 40) / 20) * (rand() < 0.5 ? -1 : 1);
    const gs = mode < 0.35 ? level : mode < 0.6 ? 0 : mode < 0.85 ? 0.5 * level : 0;
    const gm = mode < 0.35 ? 0 : mode < 0.6 ? level : mode < 0.85 ? 0.5 * level : 0;
    // Noise from -60 dBFS up to the level of a loud programme (and alone in 15 % of the blocks).
    const sigma = rand() < 0.2 ? 0 : 0.3 * Math.pow(10, (-rand() * 60) / 20);
    if (sigma > 0) fillGaussian(noise, sigma, 77 + k);
    else noise.fill(0);
    for (let i = 0; i < slice; i++) block[i] = gs * speech[a + i] + gm * music[b + i] + noise[i];
    rx.push(block);
  }
  rx.flush();
  const wall = (performance.now() - t0) / 1000;
  const decoded = rx.samplesIn / RATE / 3600;
  console.log(`\nphantom run: ${decoded.toFixed(2)} h of speech-like, music-like and noise audio, no SAME, at ${RATE} Hz (generation included in wall time)`);
  return [[decoded, String(count.header), String(count.attention), String(count.eom), String(count.burst), wall, (decoded * 3600) / wall]];
}

export async function run(): Promise<void> {
  mkdirSync(OUT_DIR, { recursive: true });
  const haveMultimon = existsSync(MULTIMON);
  const hourPath = join(OUT_DIR, 'same-1h-22050.s16le');
  const wanted = Array.from({ length: 10 }, (_, k) => header(k));
  const hourSnr = 10;
  let t0 = performance.now();
  writeTestFile(hourPath, 3600, wanted, hourSnr, 1);
  console.log(`generated 1 h of 22050 Hz s16le with 10 alerts, programme audio and noise at ${hourSnr} dB SNR in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${hourPath}`);

  // Alternate the decoders three times and keep each one's best wall time: the machine is shared.
  let ours: DecodeResult | null = null;
  let theirs: DecodeResult | null = null;
  for (let rep = 0; rep < 3; rep++) {
    const o = decodeOurs(hourPath);
    if (!ours || o.ms < ours.ms) ours = o;
    if (haveMultimon) {
      const m = await decodeMultimon(hourPath);
      if (!theirs || m.ms < theirs.ms) theirs = m;
    }
  }
  if (!ours) throw new Error('no decode ran');
  const rows: Array<Array<string | number>> = [
    ['ours (SameReceiver)', ours.ms / 1000, 3600 / (ours.ms / 1000), `${exactCount(ours.headers, wanted)}/10`, String(ours.headers.length), theirs ? ours.ms / theirs.ms : 'n/a'],
  ];
  if (theirs) rows.push(['multimon-ng -a EAS', theirs.ms / 1000, 3600 / (theirs.ms / 1000), `${exactCount(theirs.headers, wanted)}/10`, String(theirs.headers.length), 1]);
  else console.log(`(${MULTIMON} not installed: no comparison; apt-get install multimon-ng)`);
  console.log('\n1 hour, 22050 Hz, 10 alerts (best wall time of 3 alternating runs)');
  printTable(['decoder', 'wall s', 'x real time', 'exact headers', 'header lines', 'time ratio vs multimon'], rows);

  // SNR sweep: 5 alerts per level (3 headers, 4 s NWR attention signal, 3 EOMs; no programme),
  // 2 minutes of audio, from +10 dB to -9 dB.
  const levels = [10, 6, 3, 0, -2, -3, -4, -5, -5.5, -6, -6.5, -7, -7.5, -8, -9];
  const sweepHeaders = Array.from({ length: 5 }, (_, k) => header(k + 3));
  const sweepRows: Array<Array<string | number>> = [];
  const lowest: Record<string, number | null> = { ours: null, multimon: null };
  const stillAll: Record<string, boolean> = { ours: true, multimon: haveMultimon };
  const wrongTotal = { ours: 0, multimon: 0 };
  t0 = performance.now();
  for (const snr of levels) {
    const path = join(OUT_DIR, `same-sweep-${snr}dB.s16le`);
    writeTestFile(path, 120, sweepHeaders, snr, 100 + Math.round(snr * 10), false, 4);
    const o = decodeOurs(path);
    const on = exactCount(o.headers, sweepHeaders);
    const wrongOurs = o.headers.filter((h) => !sweepHeaders.includes(h)).length;
    wrongTotal.ours += wrongOurs;
    const cells: Array<string | number> = [`${snr} dB`, `${on}/5`, String(wrongOurs), `${o.attention}/5`, `${o.eoms}/5`];
    if (haveMultimon) {
      const m = await decodeMultimon(path);
      const mn = exactCount(m.headers, sweepHeaders);
      const wrongTheirs = m.headers.filter((h) => !sweepHeaders.includes(h)).length;
      wrongTotal.multimon += wrongTheirs;
      if (stillAll.multimon && mn === 5) lowest.multimon = snr;
      else stillAll.multimon = false;
      // multimon-ng prints each EOM burst it hears (ours reports each EOM group once).
      cells.push(`${mn}/5`, String(wrongTheirs), 'n/a', `${m.eoms}/15 bursts`);
    } else cells.push('n/a', 'n/a', 'n/a', 'n/a');
    if (stillAll.ours && on === 5) lowest.ours = snr;
    else stillAll.ours = false;
    sweepRows.push(cells);
  }
  console.log(`\nSNR sweep (AFSK power / noise variance over 0..11025 Hz), 5 alerts per level, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  printTable(['SNR', 'ours exact', 'ours wrong', 'ours attention', 'ours EOM', 'multimon exact', 'multimon wrong', 'multimon attention', 'multimon EOM'], sweepRows);
  const fmtLow = (v: number | null): string => (v === null ? 'none' : `${v} dB`);
  printTable(
    ['decoder', 'lowest SNR with every header', 'wrong headers in the sweep'],
    [
      ['ours', fmtLow(lowest.ours), String(wrongTotal.ours)],
      ['multimon-ng', haveMultimon ? fmtLow(lowest.multimon) : 'n/a', haveMultimon ? String(wrongTotal.multimon) : 'n/a'],
    ],
  );
  if (lowest.ours !== null && lowest.multimon !== null) console.log(`margin: ${(lowest.multimon - lowest.ours).toFixed(1)} dB in our favour`);

  const phantom = phantomRun(phantomHours());
  printTable(['hours decoded', 'headers (must be 0)', 'attention false', 'EOM false', 'burst events', 'wall s', 'x real time'], phantom);
  if (phantom[0][1] !== '0') throw new Error(`phantom run: ${phantom[0][1]} header(s) from audio without SAME`);
}

if (isMain(import.meta.url)) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
