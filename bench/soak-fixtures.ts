// The soak's eight inputs, all real time on 127.0.0.1, and the alerts they carry. Demo and
// file sources carry alerts at known bus positions (the demo's RWT schedule, one alert per
// loop of the file); the rtl_tcp and HTTP servers carry alerts the soak injects on a
// schedule, each with a header of its own, so every decoded header is matched to what was sent.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StationAudio } from '../electron/core/demo/station-audio';
import { FmIqSynth } from '../electron/core/dsp/fm-synth';
import { encodeSame } from '../electron/core/same';
import { ffmpegPath } from '../native/ffmpeg-path';
import { writeWavFile } from '../native/wav';
import { paceIq, startRtlTcpServer, type RtlTcpServerConnection, type RtlTcpTestServer } from '../test/helpers/rtl-tcp-server';

export const RATE = 22050;
const IQ_RATE = 1_024_000;
const WX1 = 162_550_000;
const MP3_KBPS = 64;

function programme(seconds: number, seed: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * RATE));
  new StationAudio(RATE, seed).fill(out);
  return out;
}

/** A full alert (3 headers, 4 s NWR tone, 3 EOMs) inside programme audio. */
function alertAudio(header: string, seed: number): Float32Array {
  const alert = encodeSame({ header, sampleRate: RATE, attention: { kind: 'nwr', seconds: 4 }, amplitude: 0.5 });
  const before = programme(1, seed);
  const after = programme(2, seed + 1);
  const out = new Float32Array(before.length + alert.length + after.length);
  out.set(before);
  out.set(alert, before.length);
  out.set(after, before.length + alert.length);
  return out;
}

export function alertSamples(): number {
  return encodeSame({ header: 'ZCZC-WXR-TOR-029095+0030-1051700-KSOAK/NW-', sampleRate: RATE, attention: { kind: 'nwr', seconds: 4 }, amplitude: 0.5 }).length;
}

function encodeMp3(samples: Float32Array): Buffer {
  const input = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const r = spawnSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-f', 'f32le', '-ar', String(RATE), '-ac', '1', '-i', 'pipe:0', '-c:a', 'libmp3lame', '-b:a', `${MP3_KBPS}k`, '-f', 'mp3', 'pipe:1'], { input, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`ffmpeg could not make the MP3: ${r.stderr.toString()}`);
  return r.stdout;
}

/** A header issued now, unique by its location code (the soak's sequence number). */
export function soakHeader(seq: number, event: string): string {
  const now = new Date();
  const day = Math.floor((now.getTime() - Date.UTC(now.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
  const p = (n: number, w: number): string => String(n).padStart(w, '0');
  return `ZCZC-WXR-${event}-${p(seq % 1_000_000, 6)}+0030-${p(day, 3)}${p(now.getUTCHours(), 2)}${p(now.getUTCMinutes(), 2)}-KSOAK/NW-`;
}

/** An input whose alerts the soak sends when it likes. */
export interface Injector {
  /** Starts sending the alert now (queued behind audio already under way). */
  inject(header: string): void;
  close(): Promise<void>;
}

/** rtl_tcp at 1.024 Msps NFM on WX1, paced in real time; an injected alert replaces the programme until it has played. */
export async function rtlInput(seed: number): Promise<Injector & { port: number }> {
  const bed = programme(20, seed);
  const pending: Float32Array[] = [];
  const conns = new Set<RtlTcpServerConnection>();
  const server: RtlTcpTestServer = await startRtlTcpServer({
    onConnection: async (conn) => {
      conns.add(conn);
      void conn.closed.then(() => conns.delete(conn));
      const st = await conn.waitForState((s) => s.freqHz !== null && s.rateHz !== null, 10_000);
      const synthOf = (audio: Float32Array): FmIqSynth =>
        new FmIqSynth({ iqRate: IQ_RATE, audio, audioRate: RATE, deviationHz: 5000, carrierOffsetHz: WX1 - st.freqHz!, noiseDbfs: -30, seed });
      let synth = synthOf(bed);
      await paceIq(conn, IQ_RATE, (chunk) => {
        if (synth.done) synth = synthOf(pending.shift() ?? bed);
        synth.fill(chunk);
      });
    },
  });
  return {
    port: server.port,
    inject: (header) => pending.push(alertAudio(header, seed + 7)),
    close: () => server.close(),
  };
}

/** An MP3 stream paced at its bitrate; an injected alert is queued after the programme buffer being sent. */
export async function httpInput(seed: number): Promise<Injector & { port: number }> {
  const bed = encodeMp3(programme(20, seed));
  const pending: Buffer[] = [];
  const responses = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'audio/mpeg' });
    responses.add(res);
    const perTick = Math.round((MP3_KBPS * 1000) / 8 / 20);
    let buf = bed;
    let pos = Math.min(buf.length, perTick * 10);
    res.write(buf.subarray(0, pos));
    const timer = setInterval(() => {
      if (pos >= buf.length) {
        // Whole files only: an MP3 cut mid-frame would cost the decoder a frame.
        buf = pending.shift() ?? bed;
        pos = 0;
      }
      const end = Math.min(buf.length, pos + perTick);
      res.write(buf.subarray(pos, end));
      pos = end;
    }, 50);
    req.on('close', () => {
      clearInterval(timer);
      responses.delete(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    inject: (header) => pending.push(encodeMp3(alertAudio(header, seed + 7))),
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A WAV of `loopS` seconds with one alert at `alertAtS`, for a looping file source. */
export interface LoopFile {
  path: string;
  loopSamples: number;
  alertAtSample: number;
  header: string;
}

export function loopFile(dir: string, name: string, loopS: number, alertAtS: number, header: string, seed: number): LoopFile {
  const audio = programme(loopS, seed);
  const alert = encodeSame({ header, sampleRate: RATE, attention: { kind: 'nwr', seconds: 4 }, amplitude: 0.5 });
  const at = Math.round(alertAtS * RATE);
  audio.set(alert.subarray(0, Math.min(alert.length, audio.length - at)), at);
  const path = join(dir, name);
  writeWavFile(path, audio, RATE);
  return { path, loopSamples: audio.length, alertAtSample: at, header };
}

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'eas-soak-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

