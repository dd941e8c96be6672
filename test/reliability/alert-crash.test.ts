// SIGKILL in the middle of an alert: the engine (its own process, a file source through real
// ffmpeg) hears the header, starts recording, and dies in the attention signal with its whole
// process group, as a power cut would. On restart the history is intact, the alert is there
// with its recording repaired and marked cut short, and the header decodes from that audio.
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BUS_RATE, type Alert } from '../../electron/contract';
import { SameReceiver, encodeSame } from '../../electron/core/same';
import { Engine } from '../../electron/engine/engine';
import { defaultSettings } from '../../electron/engine/settings-store';
import { decodeWav, parseWavHeader, WAV16_HEADER_BYTES, writeWavFile } from '../../native/wav';
import { waitFor, within } from '../helpers/wait';

const here = dirname(fileURLToPath(import.meta.url));
const dirs: string[] = [];
let child: ChildProcess | null = null;
let restarted: Engine | null = null;

afterAll(async () => {
  if (child?.pid && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await restarted?.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A header issued now (JJJHHMM of this minute), so it is active when heard. */
function headerNow(): string {
  const now = new Date();
  const day = Math.floor((now.getTime() - Date.UTC(now.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `ZCZC-WXR-TOR-029095+0030-${String(day).padStart(3, '0')}${p2(now.getUTCHours())}${p2(now.getUTCMinutes())}-KEAX/NWS-`;
}

function decodeHeaders(samples: Float32Array): string[] {
  const raws: string[] = [];
  const rx = new SameReceiver({ sampleRate: BUS_RATE, onEvent: (e) => void (e.type === 'header' && raws.push(e.raw)) });
  for (let i = 0; i < samples.length; i += 4096) rx.push(samples.subarray(i, Math.min(samples.length, i + 4096)));
  rx.flush();
  return raws;
}

describe('an engine SIGKILLed during an alert', () => {
  it('restarts with the history intact and the recording repaired, the header decodable from it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eas-crash-'));
    dirs.push(dir);
    const dataDir = join(dir, 'data');
    const header = headerNow();
    const wav = join(dir, 'alert.wav');
    // Header x3 at once, then 40 s of attention tone: the kill lands in the middle of the message.
    writeWavFile(wav, encodeSame({ header, sampleRate: BUS_RATE, attention: { kind: 'nwr', seconds: 40 }, leadSilenceS: 1 }), BUS_RATE);
    const settings = { ...defaultSettings(), sources: [] };
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify(settings));

    let out = '';
    let err = '';
    // Its own process group, so the kill takes its ffmpeg too (nothing is left to reap).
    child = spawn(process.execPath, ['--import', 'tsx', join(here, 'alert-crash-child.ts'), dataDir, wav], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
    const detail = () => `child stdout:\n${out}\nchild stderr:\n${err.slice(-2000)}`;
    const alertId = await waitFor('the child to announce the alert', () => /alert (\S+)/.exec(out)?.[1], 45_000, { detail });

    // The recording is being written: let a few seconds of the message reach it, then kill.
    const history = join(dataDir, 'history.sqlite');
    const recordingFile = await waitFor('the alert recording to be in the history', () => {
      const db = new Database(history, { readonly: true, fileMustExist: true });
      try {
        return (db.prepare('SELECT g.file FROM recordings g JOIN receptions r ON r.recording_id = g.id WHERE r.id = ?').get(alertId) as { file: string } | undefined)?.file;
      } finally {
        db.close();
      }
    }, 15_000, { detail });
    const sizeAtAlert = statSync(recordingFile).size;
    await waitFor('3 more seconds of the message on disk', () => statSync(recordingFile).size > sizeAtAlert + 3 * BUS_RATE * 2, 20_000, { detail });
    process.kill(-child.pid!, 'SIGKILL');
    await within('the SIGKILLed alert child to exit', exited, 10_000, detail);
    expect(child.signalCode).toBe('SIGKILL');

    // What the crash left is already playable: the header was rewritten while recording.
    const left = readFileSync(recordingFile);
    const leftHeader = parseWavHeader(left);
    expect(leftHeader.dataBytes).not.toBeNull();
    expect(decodeHeaders(decodeWav(left).samples)).toContain(header);

    // Restart on the same data dir.
    restarted = new Engine({ dataDir, mode: 'serve', version: 'test' });
    await restarted.start();
    const db = new Database(history, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
    } finally {
      db.close();
    }
    const { alerts } = await restarted.call('alerts.history', {});
    expect(alerts.map((a: Alert) => [a.id, a.raw, a.state])).toEqual([[alertId, header, 'active']]);
    const rec = alerts[0]!.recording!;
    expect(rec).toMatchObject({ complete: true, cutShort: true });
    expect(rec.durationS).toBeGreaterThan(8);
    expect(rec.durationS).toBeLessThan(60);
    expect(rec.markers.filter((m) => m.kind === 'header')).toHaveLength(3);
    // The active alert came back too, and the repair is in the event log.
    expect((await restarted.call('alerts.active', {})).map((a: Alert) => a.id)).toEqual([alertId]);
    const log = await restarted.call('events.log', { filter: { kinds: ['recording'] } });
    expect(log.entries.map((e) => e.message)).toEqual([expect.stringMatching(/was cut short when the engine stopped; repaired \(\d+\.\d s kept\)$/)]);

    // The repaired file: true sizes, and the header decodes from it.
    const file = restarted.alertRecordingFile(alertId)!;
    expect(file).toBe(recordingFile);
    const bytes = readFileSync(file);
    expect(parseWavHeader(bytes).dataBytes).toBe(bytes.length - WAV16_HEADER_BYTES);
    const audio = decodeWav(bytes);
    expect(audio.samples.length / BUS_RATE).toBeCloseTo(rec.durationS!, 3);
    expect(decodeHeaders(audio.samples)).toEqual([header]);
    expect(existsSync(wav)).toBe(true);
  }, 120_000);
});
