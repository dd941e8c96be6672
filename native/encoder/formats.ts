/** The stream formats (the same names as the contract's StreamFormat; native/ does not import the contract). */
export type StreamFormat = 'mp3' | 'vorbis' | 'opus' | 'aac';

/**
 * What each stream format needs from ffmpeg and from Icecast. The sample rate and the
 * bitrate actually used can differ from the request: each codec accepts only some
 * combinations for mono audio (measured on the bundled ffmpeg, see encoderPlan).
 */
export interface EncoderPlan {
  format: StreamFormat;
  /** Rate the encoder runs at; the 22050 Hz bus is resampled to it when they differ. */
  sampleRate: number;
  /** Bitrate the encoder is asked for, after clamping to what the codec accepts. */
  bitrateKbps: number;
  /** Why the plan differs from the request, or null. */
  note: string | null;
  contentType: string;
  /** The ffmpeg output part: codec, muxer and its latency options. */
  outputArgs: string[];
  /** How the encoded byte stream is cut into frames/pages (for dropping and resuming). */
  framing: 'mp3' | 'adts' | 'ogg';
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * Chooses rate and bitrate per format. Limits measured with the bundled ffmpeg for mono:
 * - MP3 at 22050 Hz is MPEG-2 layer III, 8-160 kbit/s; above that MPEG-1 at 44100 Hz (to 320).
 * - AAC (ffmpeg's aac) tops out near 114 kbit/s at 22050 Hz mono: 44100 Hz above 96.
 * - libvorbis mono accepts 16-90 kbit/s at 22050 Hz and 32-240 at 44100 Hz.
 * - libopus runs at 48 kHz (it has no 22050 mode), 6-256 kbit/s per channel.
 */
export function encoderPlan(format: StreamFormat, requestedKbps: number): EncoderPlan {
  let rate = 22050;
  let kbps = requestedKbps;
  let note: string | null = null;
  const limit = (lo: number, hi: number): void => {
    const c = clamp(kbps, lo, hi);
    if (c !== kbps) note = `${format} mono supports ${lo}-${hi} kbit/s; using ${c}`;
    kbps = c;
  };
  switch (format) {
    case 'mp3':
      limit(8, 320);
      if (kbps > 160) rate = 44100;
      return {
        format, sampleRate: rate, bitrateKbps: kbps, note, contentType: 'audio/mpeg', framing: 'mp3',
        // No ID3v2 tag and no Xing frame: the output is pure frames, so any frame boundary is a
        // valid place for a listener (or a reconnect) to start.
        outputArgs: ['-c:a', 'libmp3lame', '-b:a', `${kbps}k`, '-f', 'mp3', '-id3v2_version', '0', '-write_xing', '0'],
      };
    case 'aac':
      limit(8, 256);
      if (kbps > 96) rate = 44100;
      return {
        format, sampleRate: rate, bitrateKbps: kbps, note, contentType: 'audio/aac', framing: 'adts',
        outputArgs: ['-c:a', 'aac', '-b:a', `${kbps}k`, '-f', 'adts'],
      };
    case 'vorbis':
      limit(16, 240);
      if (kbps > 90) rate = 44100;
      if (rate === 44100 && kbps < 32) kbps = 32;
      return {
        format, sampleRate: rate, bitrateKbps: kbps, note, contentType: 'application/ogg', framing: 'ogg',
        outputArgs: ['-c:a', 'libvorbis', '-b:a', `${kbps}k`, '-f', 'ogg', ...OGG_LOW_LATENCY],
      };
    case 'opus':
      limit(6, 256);
      rate = 48000;
      return {
        format, sampleRate: rate, bitrateKbps: kbps, note, contentType: 'application/ogg', framing: 'ogg',
        // 20 ms frames (the default) keep quality; the page duration is what sets latency.
        // Constrained VBR: free VBR overshoots ~50 % on tones (attention signals are tones),
        // more than a listener's link may have been sized for.
        outputArgs: ['-c:a', 'libopus', '-b:a', `${kbps}k`, '-vbr', 'constrained', '-frame_duration', '20', '-application', 'audio', '-f', 'ogg', ...OGG_LOW_LATENCY],
      };
  }
}

/**
 * ffmpeg's Ogg muxer closes a page every second by default, so a listener would always be
 * a second or more behind. 100 ms pages cost ~27 bytes of page header each (~2 kbit/s).
 */
const OGG_LOW_LATENCY = ['-page_duration', '100000'];

/**
 * The ice-audio-info header value, with libshout's keys: Icecast 2.4.4 shows them in its
 * stats as bitrate, samplerate and channels (checked against /admin/stats).
 */
export function iceAudioInfo(plan: EncoderPlan): string {
  return `bitrate=${plan.bitrateKbps};samplerate=${plan.sampleRate};channels=1`;
}
