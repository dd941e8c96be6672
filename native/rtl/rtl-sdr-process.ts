import { CaptureError } from '../capture/capture-error';
import { SupervisedChild, type ChildExit } from '../process/supervised-child';
import { deviceBusyError, deviceOpenError, disconnectedError, noDeviceError, rtlSdrMissingError, stalledError } from './errors';
import type { IqStream, TunerSettings } from './iq-stream';

export interface RtlSdrOptions {
  /** rtl_sdr binary; default EAS_RTL_SDR or "rtl_sdr" on PATH. */
  binary?: string;
  /** rtl_biast binary for the bias-tee; default EAS_RTL_BIAST or "rtl_biast". */
  biasTeeBinary?: string;
  /** Device index or serial (rtl_sdr -d). */
  device: string;
  idleTimeoutMs?: number;
}

/** rtl_sdr's command line for `settings` (IQ to stdout). */
export function rtlSdrArgs(settings: TunerSettings, device: string): string[] {
  // rtl_sdr treats -g 0 as "automatic"; a manual 0 dB is asked for as 0.1 dB, which the tuner
  // rounds to its lowest step (0.0 dB on the R820T).
  const gain = settings.gainDb === null ? '0' : settings.gainDb === 0 ? '0.1' : String(settings.gainDb);
  return ['-f', String(settings.centerHz), '-s', String(settings.rateHz), '-g', gain, '-p', String(settings.ppm), '-d', device, '-'];
}

/** Maps what rtl_sdr printed before it gave up to the named error. */
export function classifyRtlSdrFailure(stderr: string, device: string, exitCode: number | null): CaptureError {
  if (/No supported devices found/i.test(stderr)) return noDeviceError(device);
  const claim = /usb_claim_interface error (-?\d+)/i.exec(stderr);
  if (claim) return deviceBusyError(device, `usb_claim_interface error ${claim[1]}`);
  if (/Kernel driver is active|dvb_usb_rtl28xxu/i.test(stderr)) return deviceBusyError(device, 'the kernel DVB-T driver is attached');
  const open = /usb_open error (-?\d+)|Failed to open rtlsdr device #?\S*/i.exec(stderr);
  if (open) return deviceOpenError(device, open[0]);
  if (/No matching devices found/i.test(stderr)) return noDeviceError(device);
  const last = stderr.trim().split('\n').pop() ?? '';
  return disconnectedError(`rtl_sdr (device ${device})`, exitCode === null ? 'killed' : `exit ${exitCode}${last ? `: ${last}` : ''}`);
}

const RTL_SDR_INSTALL_HINT = 'install the rtl-sdr tools (sudo apt install rtl-sdr)';

/** Runs a one-shot helper (rtl_biast) to its end; stopped when `signal` aborts. */
async function runOnce(binary: string, args: string[], signal: AbortSignal): Promise<{ exit: ChildExit; stderr: string }> {
  const child = new SupervisedChild(binary, args, { stdout: 'ignore', installHint: RTL_SDR_INSTALL_HINT });
  const onAbort = (): void => void child.stop();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return { exit: await child.exited, stderr: child.stderr };
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * A local dongle through Debian's rtl_sdr, reading IQ from its stdout. rtl_sdr cannot switch
 * the bias-tee, so rtl_biast does that first; it has no RTL AGC switch (the URI refuses agc=1).
 */
export class RtlSdrProcess implements IqStream {
  readonly label: string;
  private readonly settings: TunerSettings;
  private readonly opts: RtlSdrOptions;
  private child: SupervisedChild | null = null;

  constructor(settings: TunerSettings, opts: RtlSdrOptions) {
    this.settings = settings;
    this.opts = opts;
    this.label = `rtl_sdr (device ${opts.device})`;
  }

  get binary(): string {
    return this.opts.binary ?? process.env.EAS_RTL_SDR ?? 'rtl_sdr';
  }

  async stream(onChunk: (chunk: Uint8Array) => void, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const device = this.opts.device;
    if (this.settings.biasTee) {
      const biast = this.opts.biasTeeBinary ?? process.env.EAS_RTL_BIAST ?? 'rtl_biast';
      const r = await runOnce(biast, ['-d', device, '-b', '1'], signal);
      if (SupervisedChild.missing(r.exit)) {
        throw new CaptureError('rtl_biast_missing', `rtl_biast was not found (${biast}), so the bias-tee cannot be switched on`, 'Install the rtl-sdr tools (sudo apt install rtl-sdr) or set EAS_RTL_BIAST, or use biastee=0.', false);
      }
      if (signal.aborted) return;
      if (r.exit.kind === 'spawn_failed') throw disconnectedError(`rtl_biast (device ${device})`, r.exit.spawnError.message);
      if (r.exit.code !== 0) throw classifyRtlSdrFailure(r.stderr, device, r.exit.code);
    }
    const idleMs = this.opts.idleTimeoutMs ?? 10_000;
    const binary = this.binary;
    const child = new SupervisedChild(binary, rtlSdrArgs(this.settings, device), { installHint: RTL_SDR_INSTALL_HINT });
    this.child = child;
    let gotData = false;
    let idle: NodeJS.Timeout | null = null;
    let onAbort = (): void => {};
    // The first reason to end wins; rtl_sdr is stopped and reaped before stream() returns.
    const ended = new Promise<Error | null>((resolve) => {
      let done = false;
      const finish = (err: Error | null): void => {
        if (done) return;
        done = true;
        resolve(err);
      };
      onAbort = () => finish(null);
      const armIdle = (): void => {
        if (idle) clearTimeout(idle);
        idle = setTimeout(() => finish(stalledError(this.label, idleMs / 1000)), idleMs);
      };
      child.stdout.on('data', (chunk: Buffer) => {
        if (done) return;
        gotData = true;
        armIdle();
        try {
          onChunk(chunk);
        } catch (err) {
          finish(err as Error);
        }
      });
      void child.exited.then((exit) => {
        if (signal.aborted) return finish(null);
        if (exit.kind === 'spawn_failed') return finish(SupervisedChild.missing(exit) ? rtlSdrMissingError(binary) : disconnectedError(this.label, exit.spawnError.message));
        const code = exit.kind === 'exited' ? exit.code : null;
        // exited resolves once stdio has drained, so stderr is complete when it is classified.
        finish(gotData ? disconnectedError(this.label, `rtl_sdr exited (${code ?? 'killed'}): ${child.stderr.trim().split('\n').pop() ?? ''}`) : classifyRtlSdrFailure(child.stderr, device, code));
      });
      signal.addEventListener('abort', onAbort, { once: true });
      armIdle();
    });
    let failure: Error | null;
    try {
      failure = await ended;
    } finally {
      if (idle) clearTimeout(idle);
      signal.removeEventListener('abort', onAbort);
      await this.stop();
    }
    if (failure) throw failure;
  }

  /** Ends rtl_sdr and waits until it is reaped: SIGTERM, then SIGKILL (libusb can hang on a yanked dongle). */
  private async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child) await child.stop();
  }

  close(): void {
    void this.stop();
  }
}
