import { PcmFramer } from '../capture/pcm-framer';
import { FFMPEG_INSTALL_HINT, ffmpegPath } from '../ffmpeg-path';
import { SupervisedChild, type ChildExit } from '../process/supervised-child';
import { AlsaError, ARECORD_MISSING_HINT, arecordPath, classifyAlsaFailure } from './errors';

export const ALSA_BUS_RATE = 22050;

export interface AlsaCaptureOptions {
  device: string;
  /** Rate and channels to open the device with; anything but 22050 Hz mono is converted by ffmpeg. */
  rate: number;
  channels: number;
  signal: AbortSignal;
  /** Mono blocks at 22050 Hz; the array is reused after the call returns. */
  onBlock(block: Float32Array): void;
  log?(level: 'info' | 'warn' | 'error', message: string): void;
  /** Environment of the capture processes (ALSA_CONFIG_PATH in tests); default process.env. */
  env?: NodeJS.ProcessEnv;
  maxBlockSamples?: number;
  /** No audio for this long (device hung, USB half-gone) ends the capture with alsa_stalled (default 10 s). */
  stallTimeoutMs?: number;
}

/**
 * Captures an ALSA PCM with arecord until the signal aborts (resolves) or capture fails
 * (rejects with a named AlsaError).
 *
 * Why arecord rather than `ffmpeg -f alsa`: the bundled ffmpeg is a static build with its
 * own old alsa-lib, which cannot load the system's ALSA plugins (pulse, pipewire, jack) and
 * reads the config from its build paths, so "default" on a desktop and many asoundrc
 * setups do not work through it; in trials it also refused plug conversions the system
 * library does. arecord uses the system alsa-lib, so every name `arecord -L` lists opens as
 * it does for the user in a terminal. When the device must be opened at another format,
 * the bundled ffmpeg converts (arecord stdout -> ffmpeg stdin).
 */
export async function captureAlsa(options: AlsaCaptureOptions): Promise<void> {
  const { device, rate, channels, signal } = options;
  if (signal.aborted) return;
  const env = options.env ?? process.env;
  const log = options.log ?? (() => {});
  const convert = rate !== ALSA_BUS_RATE || channels !== 1;
  // Resolved before arecord starts, so a missing ffmpeg cannot leave arecord running.
  const ffmpegBin = convert ? ffmpegPath() : '';
  let overruns = 0;
  let rateWarning = false;

  const arecord = new SupervisedChild(
    arecordPath(env),
    // --period-time 50 ms keeps meters lively; --buffer-time 500 ms rides out a busy machine.
    ['-q', '-D', device, '-t', 'raw', '-f', 'S16_LE', '-r', String(rate), '-c', String(channels), '--buffer-time=500000', '--period-time=50000', '-'],
    {
      name: 'arecord',
      installHint: ARECORD_MISSING_HINT,
      env,
      onStderrLine: (line) => {
        if (/overrun/i.test(line)) {
          // Counted and reported sparsely: one lost period is not worth a log line each.
          if (overruns++ % 50 === 0) log('warn', `ALSA overrun on ${device} (audio lost; the machine is too busy): ${overruns} so far`);
        } else if (/rate is not accurate/i.test(line)) {
          rateWarning = true;
          arecord.kill('SIGTERM');
        }
      },
    },
  );
  const ffmpeg = convert
    ? new SupervisedChild(
        ffmpegBin,
        ['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 's16le', '-ar', String(rate), '-ac', String(channels), '-i', 'pipe:0', ...downmixArgs(channels), '-ar', String(ALSA_BUS_RATE), '-f', 'f32le', 'pipe:1'],
        { name: 'ffmpeg', installHint: FFMPEG_INSTALL_HINT, env, stdin: 'pipe' },
      )
    : null;

  const stallMs = options.stallTimeoutMs ?? 10_000;
  let onStall = (): void => {};
  const stalled = new Promise<'stalled'>((resolve) => (onStall = () => resolve('stalled')));
  // One timer, re-armed by refresh() on every block, rather than a new timer per block.
  const watchdog = setTimeout(() => onStall(), stallMs);
  const framer = new PcmFramer(convert ? 'f32le' : 's16le', (block) => {
    watchdog.refresh();
    options.onBlock(block);
  }, options.maxBlockSamples);
  if (ffmpeg) {
    // EPIPE when ffmpeg dies first is swallowed by SupervisedChild; its exit is reported below.
    arecord.stdout.pipe(ffmpeg.stdin);
    ffmpeg.stdout.on('data', (chunk: Buffer) => framer.push(chunk));
  } else {
    arecord.stdout.on('data', (chunk: Buffer) => framer.push(chunk));
  }

  let onAbort = (): void => {};
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
  });
  let first: 'aborted' | 'stalled' | 'arecord' | 'ffmpeg';
  try {
    first = await Promise.race([aborted, stalled, arecord.exited.then(() => 'arecord' as const), ffmpeg ? ffmpeg.exited.then(() => 'ffmpeg' as const) : new Promise<never>(() => {})]);
  } finally {
    clearTimeout(watchdog);
    signal.removeEventListener('abort', onAbort);
    await Promise.all([arecord.stop(), ffmpeg?.stop()]);
  }
  if (first === 'aborted' || signal.aborted) return;

  const exit: ChildExit = await arecord.exited;
  if (exit.kind === 'spawn_failed') {
    throw SupervisedChild.missing(exit)
      ? new AlsaError('alsa_no_arecord', 'arecord (alsa-utils) is not installed, so ALSA devices cannot be captured', ARECORD_MISSING_HINT, false)
      : new AlsaError('alsa_failed', `arecord could not be started: ${exit.spawnError.message}`, 'check that arecord is executable (ls -l $(which arecord))');
  }
  if (rateWarning) throw classifyAlsaFailure(device, arecord.stderr, exit.code);
  if (first === 'stalled') {
    throw new AlsaError('alsa_stalled', `ALSA device ${device} delivered no audio for ${Math.round(stallMs / 100) / 10} s`, 'the card or its driver hung (a USB card may be half-disconnected); replug it if this repeats; the engine retries');
  }
  if (first === 'ffmpeg') {
    const fx = await ffmpeg!.exited;
    const why = fx.kind === 'spawn_failed' ? ffmpeg!.describe(fx) : ffmpeg!.stderr.trim().split('\n').at(-1) || (fx.kind === 'exited' ? `exit code ${fx.code}` : `killed by ${fx.signal}`);
    throw new AlsaError('alsa_convert_failed', `converting ${device} from ${rate} Hz/${channels} ch failed: ${why}`, 'check ?rate= and ?channels= match the device; set EAS_FFMPEG if the bundled ffmpeg is missing');
  }
  if (exit.code === 0 || exit.code === null) {
    throw new AlsaError('alsa_ended', `ALSA capture from ${device} ended unexpectedly after ${framer.samples} samples`, 'the device may have been unplugged or the sound server restarted; the engine retries');
  }
  throw classifyAlsaFailure(device, arecord.stderr, exit.code);
}

/**
 * Mono as the plain average of the channels. ffmpeg's own -ac 1 weights stereo by 0.707 each,
 * which lifts a centred signal by 3 dB and would shift the silence threshold per device.
 */
function downmixArgs(channels: number): string[] {
  if (channels === 1) return ['-ac', '1'];
  const w = (1 / channels).toFixed(6);
  const sum = Array.from({ length: channels }, (_, c) => `${w}*c${c}`).join('+');
  return ['-af', `pan=mono|c0=${sum}`];
}
