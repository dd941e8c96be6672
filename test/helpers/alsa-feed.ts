import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFakeArecord, type FakeArecordOptions } from './fake-arecord';
import { waitFor } from './wait';

/**
 * A fake sound card for capture tests, no hardware: an asoundrc (used through
 * ALSA_CONFIG_PATH, so the system config is not read at all) with
 * `eas_feed`, an ALSA `file` PCM whose capture data is read from a raw s16le file
 * (`infile`, interleaved `channels`) over a `null` slave, which accepts any format: the
 * reader must open it at the rate and channel count the file was written for, as with a
 * hw: device. (A `plug` on top would convert, but alsa-lib's file plugin then reads the
 * infile at the wrong pace, so tests generate the file in the format they open.)
 * The `null` slave does not pace: capture runs as fast as the reader reads, so the file
 * is consumed in a moment. After the file ends alsa-lib repeats stale buffer content, so
 * feeds end with enough silence that the repetition is silence.
 *
 * With `paced`, EAS_ARECORD points at a fake arecord (fake-arecord.ts) that plays the same
 * file at the card's real-time pace instead, for tests that need a device that keeps time.
 */
export interface AlsaFeed {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** The raw interleaved s16le file the device plays. */
  infile: string;
  cleanup(): void;
}

export interface AlsaFeedOptions {
  /** Channels the device runs at (default 1); every channel carries the signal. */
  channels?: number;
  /** Rate the device runs at (default 22050); only the paced fake keeps to it. */
  rate?: number;
  /** Play through the paced fake arecord rather than the real one. */
  paced?: FakeArecordOptions | true;
}

/** PCM name of the feed, in its asoundrc and for the fake arecord. */
export const FEED_DEVICE = 'eas_feed';
/** Prefix of every feed's directory: how a leftover fake arecord is recognised. */
const DIR_PREFIX = 'eas-alsa-';

const feeds = new Set<AlsaFeed>();

export function makeAlsaFeed(samples: Float32Array, options: AlsaFeedOptions = {}): AlsaFeed {
  const channels = options.channels ?? 1;
  const dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
  // Interleaved: every channel carries the same signal (a mono source on a stereo card).
  const raw = Buffer.alloc(samples.length * 2 * channels);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.max(-32768, Math.min(32767, Math.round(samples[i]! * 32767)));
    for (let c = 0; c < channels; c++) raw.writeInt16LE(v, (i * channels + c) * 2);
  }
  const infile = join(dir, 'feed.raw');
  writeFileSync(infile, raw);
  const conf = join(dir, 'asoundrc');
  writeFileSync(
    conf,
    `pcm.${FEED_DEVICE} {
  type file
  slave.pcm { type null }
  file "/dev/null"
  infile "${infile}"
  format "raw"
  hint { show on description "EAS test feed (file plugin)" }
}
`,
  );
  const env: NodeJS.ProcessEnv = { ...process.env, ALSA_CONFIG_PATH: conf };
  if (options.paced) {
    const paced = options.paced === true ? {} : options.paced;
    env.EAS_ARECORD = writeFakeArecord(dir, { ...paced, device: FEED_DEVICE, infile, rate: options.rate ?? 22050, channels, pidFile: join(dir, 'pids') });
  }
  const feed: AlsaFeed = {
    dir,
    env,
    infile,
    cleanup: () => {
      feeds.delete(feed);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  feeds.add(feed);
  return feed;
}

export interface LeftProcess {
  pid: number;
  command: string;
}

/**
 * The arecord processes (real or fake) of this test process that are still running: children
 * named arecord, children running a feed's fake, and any pid a feed's fake recorded.
 */
export function arecordProcesses(): LeftProcess[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,stat=,comm=,args='], { encoding: 'utf8' });
  const recorded = new Set<number>();
  for (const f of feeds) {
    const pidFile = join(f.dir, 'pids');
    if (existsSync(pidFile)) for (const l of readFileSync(pidFile, 'utf8').split('\n')) if (l) recorded.add(Number(l));
  }
  const found: LeftProcess[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [pid, ppid, stat, comm, args] = [Number(m[1]), Number(m[2]), m[3]!, m[4]!, m[5]!];
    // A zombie has exited; its parent reaps it on the next turn of the event loop.
    if (stat.startsWith('Z')) continue;
    const fake = args.includes(`/${DIR_PREFIX}`);
    // A recorded pid counts only while it still runs a feed's fake: pids are reused.
    if ((ppid === process.pid && (comm === 'arecord' || fake)) || (recorded.has(pid) && fake)) found.push({ pid, command: args });
  }
  return found;
}

/**
 * For afterEach: SIGKILLs every arecord a test left running, waits until they are gone and
 * removes the feeds' directories. Returns what was left, so the test can fail on a leak.
 */
export async function cleanupAlsaFeeds(): Promise<LeftProcess[]> {
  const left = arecordProcesses();
  for (const p of left) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // Already gone between the listing and the kill.
    }
  }
  if (left.length > 0) {
    await waitFor(`leftover arecord ${left.map((p) => p.pid).join(', ')} to be gone after SIGKILL`, () => arecordProcesses().length === 0, 10_000, { stepMs: 50 });
  }
  for (const f of [...feeds]) f.cleanup();
  return left;
}

/** A tone with silence around it, mono 22050 Hz. */
export function toneWithSilence(hz: number, seconds: number, amplitude: number, leadS = 0.2, tailS = 1.5, rate = 22050): Float32Array {
  const lead = Math.round(leadS * rate);
  const n = Math.round(seconds * rate);
  const out = new Float32Array(lead + n + Math.round(tailS * rate));
  for (let i = 0; i < n; i++) out[lead + i] = amplitude * Math.sin((2 * Math.PI * hz * i) / rate);
  return out;
}
