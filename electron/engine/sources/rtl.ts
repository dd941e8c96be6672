import type { RtlSpec } from '../../contract';
import { FmReceiverChain } from '../../core/dsp';
import type { IqStream, TunerSettings } from '../../../native/rtl/iq-stream';
import { RtlSdrProcess } from '../../../native/rtl/rtl-sdr-process';
import { RtlTcpClient } from '../../../native/rtl/rtl-tcp-client';
import { CaptureError, type CaptureAdapter, type CaptureContext } from './adapter';

export interface RtlAdapterOptions {
  connectTimeoutMs?: number;
  headerTimeoutMs?: number;
  /** No IQ for this long is a stall (thrown, so the pipeline reconnects). */
  idleTimeoutMs?: number;
  /** rtl_sdr binary override (else EAS_RTL_SDR, else PATH). */
  rtlSdrBinary?: string;
  /** How often the channel level is reported, in seconds of audio. */
  levelIntervalS?: number;
}

/** The tuner settings of a spec: the dongle sits `offsetHz` below the channel (see rtl-uri). */
export function tunerSettingsFor(spec: RtlSpec): TunerSettings {
  return {
    centerHz: spec.freqHz - spec.offsetHz,
    rateHz: spec.rateHz,
    gainDb: spec.gainDb,
    ppm: spec.ppm,
    agc: spec.agc,
    biasTee: spec.biasTee,
  };
}

function describe(spec: RtlSpec): string {
  const mhz = (spec.freqHz / 1e6).toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
  const where = spec.kind === 'rtltcp' ? `rtl_tcp ${spec.host}:${spec.port}` : `rtl_sdr device ${spec.device}`;
  return `${mhz} MHz ${spec.mode.toUpperCase()} via ${where}`;
}

async function open(spec: RtlSpec, settings: TunerSettings, opts: RtlAdapterOptions, ctx: CaptureContext): Promise<IqStream | null> {
  if (spec.kind === 'rtlsdr') {
    return new RtlSdrProcess(settings, { device: spec.device ?? '0', binary: opts.rtlSdrBinary, idleTimeoutMs: opts.idleTimeoutMs });
  }
  try {
    const client = await RtlTcpClient.connect(spec.host!, spec.port!, {
      signal: ctx.signal,
      connectTimeoutMs: opts.connectTimeoutMs,
      headerTimeoutMs: opts.headerTimeoutMs,
      idleTimeoutMs: opts.idleTimeoutMs,
    });
    ctx.log('info', `connected to ${client.label}: tuner ${client.info.tunerName}, ${client.info.gainCount} gain steps`);
    client.configure(settings);
    return client;
  } catch (err) {
    if (ctx.signal.aborted) return null;
    throw err;
  }
}

/**
 * RTL-SDR capture, local (rtl_sdr) or networked (rtl_tcp): tune off-centre, demodulate in this
 * worker, emit 22050 Hz audio and report the channel level. Any transport failure is thrown as
 * a CaptureError; reconnecting with backoff is the pipeline's job.
 */
export function createRtlAdapter(spec: RtlSpec, opts: RtlAdapterOptions = {}): CaptureAdapter {
  return {
    async run(ctx: CaptureContext) {
      let chain: FmReceiverChain;
      try {
        chain = new FmReceiverChain({
          inputRate: spec.rateHz,
          offsetHz: spec.offsetHz,
          mode: spec.mode,
          deemphasisUs: spec.deemphasisUs,
          squelch: spec.squelch,
        });
      } catch (err) {
        throw new CaptureError('bad_config', `cannot demodulate ${describe(spec)}: ${(err as Error).message}`, 'Change the rate, mode or offset in the source URI.', false);
      }
      const settings = tunerSettingsFor(spec);
      const source = await open(spec, settings, opts, ctx);
      if (!source) return;
      ctx.log('info', `receiving ${describe(spec)}: tuner at ${settings.centerHz} Hz, channel ${spec.offsetHz >= 0 ? '+' : ''}${spec.offsetHz} Hz off centre, ${spec.rateHz} Sps`);
      const levelEvery = Math.round((opts.levelIntervalS ?? 0.1) * chain.outputRate);
      let sinceLevel = levelEvery;
      let squelchOpen: boolean | null = null;
      try {
        await source.stream((chunk) => {
          const audio = chain.process(chunk);
          if (audio.length > 0) ctx.emit(audio);
          sinceLevel += audio.length;
          if (sinceLevel >= levelEvery) {
            sinceLevel = 0;
            ctx.setSignalDb(chain.signalDb);
            if (chain.squelchOpen !== squelchOpen) {
              squelchOpen = chain.squelchOpen;
              ctx.log('info', `squelch ${squelchOpen ? 'open' : 'closed'} (channel ${chain.signalDb.toFixed(1)} dBFS)`);
            }
          }
        }, ctx.signal);
      } finally {
        source.close();
        ctx.setSignalDb(null);
      }
    },
  };
}
