// Real-time inputs for the mixed-source engine benchmark, all on 127.0.0.1: a looping WAV
// file, rtl_tcp servers pacing NFM IQ at 1.024 Msps, and HTTP servers pacing an MP3 at its
// bitrate. Paced, because an input delivered faster than real time measures the wrong thing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceConfig } from '../electron/contract';
import { StationAudio } from '../electron/core/demo/station-audio';
import { FmIqSynth } from '../electron/core/dsp/fm-synth';
import { ffmpegPath } from '../native/ffmpeg-path';
import { writeWavFile } from '../native/wav';
import { paceIq, startRtlTcpServer, type RtlTcpTestServer } from '../test/helpers/rtl-tcp-server';

export interface MixFixtures {
  sources: SourceConfig[];
  close(): Promise<void>;
}

const RATE = 22050;
const IQ_RATE = 1_024_000;
const WX1 = 162_550_000;

function programme(seconds: number, seed: number): Float32Array {
  const out = new Float32Array(seconds * RATE);
  new StationAudio(RATE, seed).fill(out);
  return out;
}

async function rtlServer(): Promise<RtlTcpTestServer> {
  const audio = programme(20, 3);
  return startRtlTcpServer({
    onConnection: async (conn) => {
      const st = await conn.waitForState((s) => s.freqHz !== null && s.rateHz !== null, 10_000);
      const synth = new FmIqSynth({ iqRate: IQ_RATE, audio, audioRate: RATE, deviationHz: 5000, carrierOffsetHz: WX1 - st.freqHz!, noiseDbfs: -30 });
      await paceIq(conn, IQ_RATE, (chunk) => {
        if (synth.done) synth.position = 0;
        synth.fill(chunk);
      });
    },
  });
}

function mp3Server(mp3: Buffer, kbps: number): Promise<Server> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'audio/mpeg' });
    const bytesPerTick = Math.round((kbps * 1000) / 8 / 20);
    let pos = 0;
    // A little burst first, as Icecast sends, then real time.
    res.write(mp3.subarray(0, bytesPerTick * 10));
    pos = bytesPerTick * 10;
    const timer = setInterval(() => {
      let end = pos + bytesPerTick;
      if (end > mp3.length) end = mp3.length;
      res.write(mp3.subarray(pos, end));
      pos = end >= mp3.length ? 0 : end;
    }, 50);
    req.on('close', () => clearInterval(timer));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export async function startMixFixtures(): Promise<MixFixtures> {
  const dir = mkdtempSync(join(tmpdir(), 'eas-bench-mix-'));
  const wav = join(dir, 'programme.wav');
  writeWavFile(wav, programme(30, 5), RATE);
  const mp3File = join(dir, 'programme.mp3');
  const enc = spawnSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-y', '-i', wav, '-c:a', 'libmp3lame', '-b:a', '64k', mp3File]);
  if (enc.status !== 0) throw new Error(`ffmpeg could not make the MP3: ${enc.stderr.toString()}`);
  const mp3 = readFileSync(mp3File);
  const rtl = [await rtlServer(), await rtlServer()];
  const http = [await mp3Server(mp3, 64), await mp3Server(mp3, 64)];
  const sources: SourceConfig[] = [
    { id: 'demo0', name: 'Demo 0', uri: 'demo:?first=2', priority: 0, enabled: true },
    { id: 'demo1', name: 'Demo 1', uri: 'demo:?first=3', priority: 1, enabled: true },
    { id: 'file0', name: 'File 0', uri: `file:${wav}?loop=1`, priority: 2, enabled: true },
    { id: 'file1', name: 'File 1', uri: `file:${wav}?loop=1`, priority: 3, enabled: true },
    ...rtl.map((s, i) => ({ id: `rtl${i}`, name: `NWR ${i}`, uri: `rtltcp://127.0.0.1:${s.port}?freq=${WX1}&rate=${IQ_RATE}&mode=nfm`, priority: 4 + i, enabled: true })),
    ...http.map((s, i) => ({ id: `http${i}`, name: `Stream ${i}`, uri: `http://127.0.0.1:${(s.address() as AddressInfo).port}/live.mp3`, priority: 6 + i, enabled: true })),
  ];
  return {
    sources,
    async close() {
      for (const s of rtl) await s.close();
      for (const s of http) {
        s.closeAllConnections();
        await new Promise((r) => s.close(r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
