/**
 * `eas-console decode`: run the SAME receiver over an audio file or stdin and print each event.
 * WAV is read natively; anything else goes through the bundled ffmpeg. Audio is streamed in blocks
 * into the receiver, so an hours-long recording never sits in memory.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { describeHeader, type DescribedAlert } from '../core/alerts/describe';
import { SameReceiver, type SameEvent } from '../core/same';
import { ffmpegPath } from '../../native/ffmpeg-path';
import { loadTables } from '../../native/tables-loader';
import { looksLikeWav, parseWavHeader, readWavBlocks, wavStreamBlocks, WavFormatError, WavHeaderIncomplete, WavToMono, type WavHeader } from '../../native/wav';
import { numberOption, parseArgs, UsageError } from './options';

export const DECODE_USAGE = `Usage: eas-console decode FILE [--json] [options]
       eas-console decode - --rate N [--json]      (raw signed 16-bit little-endian mono on stdin)

Decodes SAME headers, attention signals and EOMs. WAV (any PCM or float format, rate and channel
count) is read directly; MP3, Ogg, FLAC and anything else ffmpeg reads go through the bundled ffmpeg.

Options:
  --json            one JSON object per line and per event; a header line holds the exact header in
                    "raw", an EOM line holds "raw":"NNNN"
  --rate N          sample rate of stdin audio, 8000-96000 Hz (default 22050)
  --received ISO    receive time used to infer the header's year (default: now)
  --verbose         also report individual bursts and link changes
`;

const MIN_RATE = 8000;
const MAX_RATE = 96000;
const FALLBACK_RATE = 22050;

export interface DecodeIo {
  /** stdin for FILE "-" (default process.stdin). */
  stdin?: AsyncIterable<Uint8Array>;
  out?: (line: string) => void;
  err?: (text: string) => void;
}

interface Source {
  sampleRate: number;
  blocks: AsyncIterable<Float32Array>;
}

class RateOutOfRange extends Error {}

/** Raw s16le mono bytes as Float32 blocks. */
async function* s16Blocks(chunks: AsyncIterable<Uint8Array>, sampleRate: number): AsyncGenerator<Float32Array> {
  const conv = new WavToMono({ encoding: 'int', bitsPerSample: 16, channels: 1, sampleRate, blockAlign: 2 });
  for await (const chunk of chunks) {
    const mono = conv.push(chunk);
    if (mono.length > 0) yield mono;
  }
}

/** First bytes of a file, to tell a WAV we can read from everything else. */
function sniff(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const head = new Uint8Array(65536);
    const n = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function nativeWavHeader(head: Uint8Array): WavHeader | 'incomplete' | null {
  if (!looksLikeWav(head)) return null;
  try {
    return parseWavHeader(head);
  } catch (err) {
    if (err instanceof WavHeaderIncomplete) return 'incomplete';
    if (err instanceof WavFormatError) return null; // e.g. ADPCM: ffmpeg reads it
    throw err;
  }
}

/**
 * The file through ffmpeg as a 32-bit float mono WAV on a pipe, at the file's own rate when the
 * receiver takes it, else at 22050 Hz. The WAV header on the pipe tells us the rate.
 */
async function ffmpegSource(path: string, forceRate: number | null): Promise<Source> {
  const args = ['-nostdin', '-hide_banner', '-v', 'error', '-i', path, '-vn', '-ac', '1'];
  if (forceRate) args.push('-ar', String(forceRate));
  args.push('-c:a', 'pcm_f32le', '-f', 'wav', '-');
  const child = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    if (stderr.length < 8192) stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', (code) => resolve(code));
    child.on('error', (e) => {
      stderr += e.message;
      resolve(-1);
    });
  });
  const failure = async () => {
    const code = await exited;
    const why = stderr.trim().split('\n').slice(-3).join(' / ') || `exit code ${code}`;
    return new Error(`ffmpeg could not decode ${path}: ${why}. Check that the file is audio and not damaged.`);
  };

  let header: WavHeader | null = null;
  const iter = wavStreamBlocks(child.stdout, (h) => {
    header = h;
    if (h.sampleRate < MIN_RATE || h.sampleRate > MAX_RATE) throw new RateOutOfRange();
  })[Symbol.asyncIterator]();
  let first: IteratorResult<Float32Array>;
  try {
    first = await iter.next();
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    if (err instanceof RateOutOfRange) return ffmpegSource(path, FALLBACK_RATE);
    throw await failure();
  }
  if (!header) {
    await exited;
    throw await failure();
  }
  const sampleRate = (header as WavHeader).sampleRate;
  async function* blocks(): AsyncGenerator<Float32Array> {
    try {
      if (!first.done) yield first.value;
      for (;;) {
        const r = await iter.next();
        if (r.done) break;
        yield r.value;
      }
      const code = await exited;
      if (code !== 0) throw await failure();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }
  return { sampleRate, blocks: blocks() };
}

async function openSource(file: string, rate: number, io: DecodeIo): Promise<Source> {
  if (file === '-') return { sampleRate: rate, blocks: s16Blocks(io.stdin ?? process.stdin, rate) };
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new UsageError(`cannot read ${file}: no such file`);
  }
  if (!st.isFile()) throw new UsageError(`${file} is not a file`);
  const wav = nativeWavHeader(sniff(file));
  if (wav && (wav === 'incomplete' || (wav.sampleRate >= MIN_RATE && wav.sampleRate <= MAX_RATE))) {
    let sampleRate = wav === 'incomplete' ? 0 : wav.sampleRate;
    const blocks = readWavBlocks(file, (h) => (sampleRate = h.sampleRate));
    if (wav !== 'incomplete') return { sampleRate, blocks };
    // Very long header: let the streaming reader find the format first.
    const it = blocks[Symbol.asyncIterator]();
    const first = await it.next();
    if (sampleRate < MIN_RATE || sampleRate > MAX_RATE) {
      await it.return?.(undefined);
      return ffmpegSource(file, FALLBACK_RATE);
    }
    return {
      sampleRate,
      blocks: (async function* () {
        if (!first.done) yield first.value;
        for (;;) {
          const r = await it.next();
          if (r.done) return;
          yield r.value;
        }
      })(),
    };
  }
  // Not a WAV we read (or a rate outside the receiver's range): ffmpeg does it.
  return ffmpegSource(file, wav ? FALLBACK_RATE : null);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function headerJson(a: DescribedAlert): Record<string, unknown> {
  return {
    raw: a.raw,
    originator: a.originator,
    originatorName: a.originatorName,
    event: a.event,
    eventName: a.eventName,
    category: a.category,
    locations: a.locations.map((l) => ({ code: l.code, name: l.name })),
    purge: a.purge,
    issuedAt: a.issuedAt.toISOString(),
    expiresAt: a.expiresAt.toISOString(),
    callsign: a.callsign,
    text: a.text,
    flags: a.flags,
  };
}

function clock(t: number): string {
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = t % 60;
  return `${h > 0 ? `${h}:` : ''}${String(m).padStart(h > 0 ? 2 : 1, '0')}:${s.toFixed(2).padStart(5, '0')}`;
}

// A reader that goes away (decode ... | head) ends the run quietly instead of crashing on EPIPE.
// The listener stays for the process: an EPIPE can be emitted after main() has returned.
let stdoutClosed = false;
let stdoutWatched = false;
function watchStdout(): void {
  if (stdoutWatched) return;
  stdoutWatched = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    stdoutClosed = true;
  });
}

export async function main(argv: string[], io: DecodeIo = {}): Promise<number> {
  if (!io.out) watchStdout();
  const out =
    io.out ??
    ((line: string) => {
      if (!stdoutClosed) process.stdout.write(`${line}\n`);
    });
  const err = io.err ?? ((text: string) => process.stderr.write(text));
  try {
    const args = parseArgs(argv, ['json', 'help', 'verbose'], ['rate', 'received']);
    if (args.flags.has('help')) {
      out(DECODE_USAGE.trimEnd());
      return 0;
    }
    if (args.positionals.length !== 1) throw new UsageError(args.positionals.length === 0 ? 'give a file to decode, or - for stdin' : 'give exactly one file');
    const file = args.positionals[0];
    if (file !== '-' && args.values.has('rate')) throw new UsageError('--rate applies only to stdin (-); a file carries its own rate');
    const rate = numberOption(args, 'rate', FALLBACK_RATE, MIN_RATE, MAX_RATE, true);
    const receivedText = args.values.get('received');
    const receivedAt = receivedText === undefined ? new Date() : new Date(receivedText);
    if (!Number.isFinite(receivedAt.getTime())) throw new UsageError(`--received must be a date and time like 2026-04-15T17:01:00Z; got "${receivedText}"`);
    const json = args.flags.has('json');
    const verbose = args.flags.has('verbose');

    // The tables (names of events and places) are parsed only once a header needs describing: most
    // recordings decode to nothing, and the CSVs are a good part of a short decode's start-up.
    let tables: ReturnType<typeof loadTables> | null = null;
    const source = await openSource(file, rate, io);
    const sampleRate = source.sampleRate;
    let headers = 0;

    const onEvent = (e: SameEvent) => {
      const t = round3(e.sample / sampleRate);
      const at = clock(t);
      switch (e.type) {
        case 'header': {
          headers++;
          tables ??= loadTables();
          const alert = describeHeader(e.header, receivedAt, tables);
          if (json) {
            const extra = e.note === undefined ? {} : { note: e.note };
            out(JSON.stringify({ type: 'header', sample: e.sample, t, ...headerJson(alert), deviations: e.header.deviations, bursts: e.bursts, bitConfidence: e.bitConfidence, ...extra }));
          } else {
            const indent = ' '.repeat(at.length + 2);
            out(`${at}  HEADER     ${alert.raw}\n${indent}${alert.text}${e.note === undefined ? '' : `\n${indent}(${e.note})`}`);
          }
          return;
        }
        case 'eom':
          if (json) out(JSON.stringify({ type: 'eom', sample: e.sample, t, raw: 'NNNN', bursts: e.bursts }));
          else out(`${at}  EOM        NNNN`);
          return;
        case 'attention':
          if (json) out(JSON.stringify(e.phase === 'end' ? { type: 'attention', sample: e.sample, t, phase: e.phase, kind: e.kind, durationS: e.durationS } : { type: 'attention', sample: e.sample, t, phase: e.phase, kind: e.kind }));
          else {
            const what = e.kind === 'two-tone' ? 'two-tone 853+960 Hz' : 'NWR 1050 Hz';
            out(`${at}  ATTENTION  ${what} ${e.phase === 'end' ? `ended after ${e.durationS.toFixed(1)} s` : 'started'}`);
          }
          return;
        case 'burst':
          // A burst's text is not a validated header, so it never goes in a "raw" field.
          if (!verbose) return;
          if (json) out(JSON.stringify({ type: 'burst', sample: e.sample, t, text: e.text, bitErrorEstimate: e.bitErrorEstimate }));
          else out(`${at}  BURST      ${JSON.stringify(e.text)} (bit errors ~${(e.bitErrorEstimate * 100).toFixed(1)} %)`);
          return;
        case 'link':
          if (!verbose) return;
          if (json) out(JSON.stringify({ type: 'link', sample: e.sample, t, state: e.state }));
          else out(`${at}  LINK       ${e.state}`);
          return;
      }
    };

    const receiver = new SameReceiver({ sampleRate, onEvent });
    for await (const block of source.blocks) {
      receiver.push(block);
      if (stdoutClosed) break;
    }
    if (!stdoutClosed) receiver.flush();
    if (!json) err(`decode: ${headers} header${headers === 1 ? '' : 's'} in ${file === '-' ? 'stdin' : file}\n`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`decode: ${e.message}\n\n${DECODE_USAGE}`);
      return 2;
    }
    err(`decode: ${(e as Error).message}\n`);
    return 1;
  }
}
