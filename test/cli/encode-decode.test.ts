import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as decode, type DecodeIo } from '../../electron/cli/decode';
import { main as encode } from '../../electron/cli/encode';
import { ffmpegPath } from '../../native/ffmpeg-path';
import { decodeWav } from '../../native/wav';

const HEADER = 'ZCZC-WXR-TOR-029095-029047+0030-1051700-KEAX/NWS-';
const RECEIVED = '2026-04-15T17:01:00Z';
const dir = mkdtempSync(join(tmpdir(), 'eas-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Captured {
  code: number;
  out: string[];
  err: string;
}

async function run(fn: (argv: string[], io?: DecodeIo) => Promise<number>, argv: string[], io: DecodeIo = {}): Promise<Captured> {
  const out: string[] = [];
  let err = '';
  const code = await fn(argv, { ...io, out: (l) => out.push(l), err: (t) => (err += t) });
  return { code, out, err };
}

/** encode writes through process.stdout/stderr; capture them for the call. */
async function runEncode(argv: string[]): Promise<Captured> {
  const out: string[] = [];
  let err = '';
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((err += String(s)), true)) as typeof process.stderr.write;
  try {
    return { code: await encode(argv), out, err };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
}

function jsonLines(out: string[]): Record<string, unknown>[] {
  return out.map((l) => JSON.parse(l) as Record<string, unknown>);
}

function expectOneAlert(lines: Record<string, unknown>[], header = HEADER) {
  const headers = lines.filter((l) => l.type === 'header');
  const eoms = lines.filter((l) => l.type === 'eom');
  expect(headers.map((h) => h.raw)).toEqual([header]);
  expect(eoms.length).toBe(1);
  expect(eoms[0].raw).toBe('NNNN');
  expect(typeof eoms[0].sample).toBe('number');
  expect(eoms[0].t as number).toBeGreaterThan(headers[0].t as number);
  return headers[0];
}

const wav = join(dir, 'alert.wav');

beforeAll(async () => {
  const r = await runEncode(['--header', HEADER, '--out', wav, '--attention', 'nwr', '--attention-seconds', '3', '--rate', '22050']);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
});

describe('eas-console encode', () => {
  it('writes a 16-bit mono WAV at the chosen rate', () => {
    const a = decodeWav(new Uint8Array(readFileSync(wav)));
    expect(a.sampleRate).toBe(22050);
    expect(a.channels).toBe(1);
    expect(a.samples.length / 22050).toBeGreaterThan(8);
  });

  it('refuses a header the parser refuses, naming kind and field', async () => {
    const r = await runEncode(['--header', 'ZCZC-WXR-TOR-029095+0030-1052500-KEAX/NWS-', '--out', join(dir, 'bad.wav')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/issued error in issued\.hour/);
    const r2 = await runEncode(['--header', 'ZCZC-XXX-TOR-029095+0030-1051700-KEAX/NWS-', '--out', join(dir, 'bad.wav')]);
    expect(r2.err).toMatch(/originator error in originator/);
  });

  it('prints usage on bad arguments', async () => {
    expect((await runEncode([])).code).toBe(2);
    expect((await runEncode(['--header', HEADER])).err).toMatch(/--out is required[\s\S]*Usage: eas-console encode/);
    expect((await runEncode(['--header', HEADER, '--out', 'x.wav', '--attention', 'siren'])).code).toBe(2);
    expect((await runEncode(['--header', HEADER, '--out', 'x.wav', '--rate', '1000'])).err).toMatch(/--rate must be a whole number from 8000 to 96000/);
    expect((await runEncode(['--bogus'])).err).toMatch(/unknown option --bogus/);
    const help = await runEncode(['--help']);
    expect(help.code).toBe(0);
    expect(help.out.join('')).toMatch(/Usage: eas-console encode/);
  });
});

describe('eas-console decode', () => {
  it('round-trips encode -> decode --json: the exact header, its description, attention and one EOM', async () => {
    const r = await run(decode, [wav, '--json', '--received', RECEIVED]);
    expect(r.code, r.err).toBe(0);
    const lines = jsonLines(r.out);
    const h = expectOneAlert(lines);
    expect(h).toMatchObject({
      originator: 'WXR',
      eventName: 'Tornado Warning',
      category: 'warning',
      locations: [
        { code: '029095', name: 'Jackson County, MO' },
        { code: '029047', name: 'Clay County, MO' },
      ],
      issuedAt: '2026-04-15T17:00:00.000Z',
      expiresAt: '2026-04-15T17:30:00.000Z',
      callsign: 'KEAX/NWS',
    });
    expect(h.text).toMatch(/^The National Weather Service has issued a Tornado Warning for Jackson County, MO, Clay County, MO;/);
    const att = lines.filter((l) => l.type === 'attention');
    expect(att.length).toBeGreaterThanOrEqual(1);
    expect(att[0].kind).toBe('nwr');
    for (const l of lines) expect(l.t).toBeCloseTo((l.sample as number) / 22050, 2);
  });

  it('prints a readable line per event without --json', async () => {
    const r = await run(decode, [wav, '--received', RECEIVED]);
    expect(r.code, r.err).toBe(0);
    const text = r.out.join('\n');
    expect(text).toContain(`HEADER     ${HEADER}`);
    expect(text).toContain('The National Weather Service has issued a Tornado Warning');
    expect(text).toContain('ATTENTION  NWR 1050 Hz');
    expect(text).toContain('EOM        NNNN');
    expect(r.err).toMatch(/1 header in/);
  });

  it('decodes an MP3 through the bundled ffmpeg', async () => {
    const mp3 = join(dir, 'alert.mp3');
    execFileSync(ffmpegPath(), ['-nostdin', '-v', 'error', '-y', '-i', wav, '-ar', '44100', '-c:a', 'libmp3lame', '-b:a', '64k', mp3]);
    const r = await run(decode, [mp3, '--json', '--received', RECEIVED]);
    expect(r.code, r.err).toBe(0);
    expectOneAlert(jsonLines(r.out));
  });

  it('decodes a stereo float WAV at 48 kHz and resamples a 192 kHz WAV through ffmpeg', async () => {
    const f48 = join(dir, 'alert-f32-48k.wav');
    execFileSync(ffmpegPath(), ['-nostdin', '-v', 'error', '-y', '-i', wav, '-ar', '48000', '-af', 'pan=stereo|c0=c0|c1=c0', '-c:a', 'pcm_f32le', f48]);
    expectOneAlert(jsonLines((await run(decode, [f48, '--json', '--received', RECEIVED])).out));
    const hi = join(dir, 'alert-192k.wav');
    execFileSync(ffmpegPath(), ['-nostdin', '-v', 'error', '-y', '-i', wav, '-ar', '192000', hi]);
    const r = await run(decode, [hi, '--json', '--received', RECEIVED]);
    expect(r.code, r.err).toBe(0);
    const h = expectOneAlert(jsonLines(r.out));
    expect(h.t).toBeCloseTo((h.sample as number) / 22050, 2);
  });

  it('reads raw s16le from stdin with --rate', async () => {
    const a = decodeWav(new Uint8Array(readFileSync(wav)));
    const pcm = Buffer.alloc(a.samples.length * 2);
    for (let k = 0; k < a.samples.length; k++) pcm.writeInt16LE(Math.round(a.samples[k] * 32767), k * 2);
    // Odd-sized chunks split samples across reads, as a pipe does.
    const chunks: Buffer[] = [];
    for (let at = 0; at < pcm.length; at += 12345) chunks.push(pcm.subarray(at, at + 12345));
    const r = await run(decode, ['-', '--rate', '22050', '--json', '--received', RECEIVED], { stdin: Readable.from(chunks) });
    expect(r.code, r.err).toBe(0);
    expectOneAlert(jsonLines(r.out));
  });

  it('finds nothing in noise, and explains bad input', async () => {
    const noise = join(dir, 'noise.wav');
    execFileSync(ffmpegPath(), ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'anoisesrc=d=5:c=pink:r=22050:a=0.3', noise]);
    const r = await run(decode, [noise, '--json']);
    expect(r.code, r.err).toBe(0);
    expect(jsonLines(r.out).filter((l) => l.type === 'header' || l.type === 'eom')).toEqual([]);

    const junk = join(dir, 'junk.mp3');
    writeFileSync(junk, 'this is not audio at all '.repeat(100));
    const bad = await run(decode, [junk]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/ffmpeg could not decode .*junk\.mp3/);

    expect((await run(decode, [])).code).toBe(2);
    expect((await run(decode, [join(dir, 'missing.wav')])).err).toMatch(/no such file/);
    expect((await run(decode, [wav, '--rate', '8000'])).err).toMatch(/--rate applies only to stdin/);
    expect((await run(decode, ['-', '--rate', 'fast'])).code).toBe(2);
    expect((await run(decode, [wav, '--received', 'yesterday'])).err).toMatch(/--received must be a date/);
  });
});
