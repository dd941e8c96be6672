import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
 */
export interface AlsaFeed {
  dir: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

export function makeAlsaFeed(samples: Float32Array, channels = 1): AlsaFeed {
  const dir = mkdtempSync(join(tmpdir(), 'eas-alsa-'));
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
    `pcm.eas_feed {
  type file
  slave.pcm { type null }
  file "/dev/null"
  infile "${infile}"
  format "raw"
  hint { show on description "EAS test feed (file plugin)" }
}
`,
  );
  return {
    dir,
    env: { ...process.env, ALSA_CONFIG_PATH: conf },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A tone with silence around it, mono 22050 Hz. */
export function toneWithSilence(hz: number, seconds: number, amplitude: number, leadS = 0.2, tailS = 1.5, rate = 22050): Float32Array {
  const lead = Math.round(leadS * rate);
  const n = Math.round(seconds * rate);
  const out = new Float32Array(lead + n + Math.round(tailS * rate));
  for (let i = 0; i < n; i++) out[lead + i] = amplitude * Math.sin((2 * Math.PI * hz * i) / rate);
  return out;
}
