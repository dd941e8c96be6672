import { spawn, type ChildProcess } from 'node:child_process';
import { CaptureError } from '../../electron/engine/sources/adapter';
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

function runOnce(binary: string, args: string[], signal: AbortSignal): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-4096)));
    const onAbort = () => child.kill('SIGTERM');
    signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err: NodeJS.ErrnoException) => {
      signal.removeEventListener('abort', onAbort);
      reject(err.code === 'ENOENT' ? rtlSdrMissingError(binary) : err);
    });
    child.on('close', (code) => {
      signal.removeEventListener('abort', onAbort);
      resolve({ code, stderr });
    });
  });
}

/**
 * A local dongle through Debian's rtl_sdr, reading IQ from its stdout. rtl_sdr cannot switch
 * the bias-tee, so rtl_biast does that first; it has no RTL AGC switch (the URI refuses agc=1).
 */
export class RtlSdrProcess implements IqStream {
  readonly label: string;
  private readonly settings: TunerSettings;
  private readonly opts: RtlSdrOptions;
  private child: ChildProcess | null = null;

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
      let r: { code: number | null; stderr: string };
      try {
        r = await runOnce(biast, ['-d', device, '-b', '1'], signal);
      } catch (err) {
        if (err instanceof CaptureError) throw new CaptureError('rtl-biast-missing', `rtl_biast was not found (${biast}), so the bias-tee cannot be switched on`, 'Install the rtl-sdr tools (sudo apt install rtl-sdr) or set EAS_RTL_BIAST, or use biastee=0.', false);
        throw err;
      }
      if (signal.aborted) return;
      if (r.code !== 0) throw classifyRtlSdrFailure(r.stderr, device, r.code);
    }
    const idleMs = this.opts.idleTimeoutMs ?? 10_000;
    const binary = this.binary;
    await new Promise<void>((resolve, reject) => {
      const child = spawn(binary, rtlSdrArgs(this.settings, device), { stdio: ['ignore', 'pipe', 'pipe'] });
      this.child = child;
      let stderr = '';
      let done = false;
      let gotData = false;
      let idle: NodeJS.Timeout | null = null;
      const armIdle = () => {
        if (idle) clearTimeout(idle);
        idle = setTimeout(() => finish(stalledError(this.label, idleMs / 1000)), idleMs);
      };
      const finish = (err: Error | null) => {
        if (done) return;
        done = true;
        if (idle) clearTimeout(idle);
        signal.removeEventListener('abort', onAbort);
        child.stdout!.off('data', onData);
        this.stop();
        if (err) reject(err);
        else resolve();
      };
      const onData = (chunk: Buffer) => {
        gotData = true;
        armIdle();
        try {
          onChunk(chunk);
        } catch (err) {
          finish(err as Error);
        }
      };
      const onAbort = () => finish(null);
      child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-8192)));
      child.stdout!.on('data', onData);
      child.on('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ENOENT' ? rtlSdrMissingError(binary) : disconnectedError(this.label, err.message)));
      // 'close' waits for stdio to drain, so stderr is complete when we classify it.
      child.on('close', (code) => {
        if (signal.aborted) return finish(null);
        finish(gotData ? disconnectedError(this.label, `rtl_sdr exited (${code ?? 'killed'}): ${stderr.trim().split('\n').pop() ?? ''}`) : classifyRtlSdrFailure(stderr, device, code));
      });
      signal.addEventListener('abort', onAbort, { once: true });
      armIdle();
    });
  }

  /** Ends rtl_sdr: SIGTERM, then SIGKILL if it has not gone after 2 s (libusb can hang on a yanked dongle). */
  private stop(): void {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, 2000);
    t.unref();
    child.once('exit', () => clearTimeout(t));
  }

  close(): void {
    this.stop();
  }
}
