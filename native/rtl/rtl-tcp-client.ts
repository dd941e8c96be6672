import { connect, type Socket } from 'node:net';
import type { CaptureError } from '../capture/capture-error';
import {
  connectionRefusedError,
  disconnectedError,
  hostNotFoundError,
  noHeaderError,
  notRtlTcpError,
  stalledError,
  unreachableError,
} from './errors';
import type { IqStream, TunerSettings } from './iq-stream';

/**
 * rtl_tcp's wire protocol (osmocom rtl-sdr, src/rtl_tcp.c): on connect the server sends a
 * 12-byte dongle_info_t ("RTL0", tuner type, gain count; big-endian u32s), then streams u8 IQ.
 * The client sends 5-byte commands: one command byte and a big-endian u32 parameter.
 */
export const RTL_TCP_COMMAND = {
  setFrequency: 0x01,
  setSampleRate: 0x02,
  /** 0 = automatic (tuner AGC), 1 = manual. */
  setGainMode: 0x03,
  /** Tenths of a dB; the tuner picks its nearest step. */
  setGain: 0x04,
  /** ppm as a signed 32-bit value. */
  setFreqCorrection: 0x05,
  setIfGain: 0x06,
  setTestMode: 0x07,
  /** RTL2832 digital AGC, 0/1. */
  setAgcMode: 0x08,
  setDirectSampling: 0x09,
  setOffsetTuning: 0x0a,
  setRtlXtal: 0x0b,
  setTunerXtal: 0x0c,
  setGainByIndex: 0x0d,
  setBiasTee: 0x0e,
} as const;

export const RTL_TCP_HEADER_BYTES = 12;
export const RTL_TCP_MAGIC = 'RTL0';

/** rtlsdr_tuner enum order. */
export const TUNER_NAMES = ['unknown', 'E4000', 'FC0012', 'FC0013', 'FC2580', 'R820T', 'R828D'] as const;

export interface DongleInfo {
  tunerType: number;
  tunerName: string;
  gainCount: number;
}

export function encodeCommand(command: number, param: number): Buffer {
  const b = Buffer.alloc(5);
  b[0] = command;
  // The server reads the parameter with ntohl() into an unsigned int and passes it on as int,
  // so a negative ppm travels as its two's complement.
  if (param < 0) b.writeInt32BE(param, 1);
  else b.writeUInt32BE(param >>> 0, 1);
  return b;
}

/** Parses the 12-byte header; null when the bytes are not an rtl_tcp header. */
export function parseDongleInfo(header: Uint8Array): DongleInfo | null {
  if (header.length < RTL_TCP_HEADER_BYTES) return null;
  const magic = String.fromCharCode(header[0]!, header[1]!, header[2]!, header[3]!);
  if (magic !== RTL_TCP_MAGIC) return null;
  const view = new DataView(header.buffer, header.byteOffset, RTL_TCP_HEADER_BYTES);
  const tunerType = view.getUint32(4);
  const gainCount = view.getUint32(8);
  return { tunerType, tunerName: TUNER_NAMES[tunerType] ?? `tuner ${tunerType}`, gainCount };
}

/** Commands that put the dongle in the state `settings` describes, in the order rtl_tcp itself applies them. */
export function commandsFor(settings: TunerSettings): Buffer[] {
  const c = RTL_TCP_COMMAND;
  const out = [encodeCommand(c.setSampleRate, settings.rateHz), encodeCommand(c.setFreqCorrection, settings.ppm), encodeCommand(c.setFrequency, settings.centerHz)];
  if (settings.gainDb === null) {
    out.push(encodeCommand(c.setGainMode, 0));
  } else {
    out.push(encodeCommand(c.setGainMode, 1), encodeCommand(c.setGain, Math.round(settings.gainDb * 10)));
  }
  out.push(encodeCommand(c.setAgcMode, settings.agc ? 1 : 0), encodeCommand(c.setBiasTee, settings.biasTee ? 1 : 0));
  return out;
}

export interface RtlTcpConnectOptions {
  signal?: AbortSignal;
  connectTimeoutMs?: number;
  headerTimeoutMs?: number;
  /** No IQ for this long while streaming is a stall (a silent dongle or a dead network path). */
  idleTimeoutMs?: number;
}

function mapSocketError(err: NodeJS.ErrnoException, host: string, port: number): CaptureError {
  switch (err.code) {
    case 'ECONNREFUSED':
      return connectionRefusedError(host, port);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return hostNotFoundError(host, port);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
      return unreachableError(host, port, err.code);
    default:
      return disconnectedError(`rtl_tcp ${host}:${port}`, err.code ?? err.message);
  }
}

function abortError(): Error {
  const e = new Error('aborted');
  e.name = 'AbortError';
  return e;
}

/** A connected rtl_tcp session: header read, ready for commands and streaming. */
export class RtlTcpClient implements IqStream {
  readonly label: string;
  readonly info: DongleInfo;
  private readonly socket: Socket;
  private readonly idleTimeoutMs: number;
  /** IQ that arrived with the header, delivered first by stream(). */
  private leftover: Buffer | null;
  private streaming = false;

  private constructor(socket: Socket, host: string, port: number, info: DongleInfo, leftover: Buffer | null, idleTimeoutMs: number) {
    this.socket = socket;
    this.label = `rtl_tcp ${host}:${port}`;
    this.info = info;
    this.leftover = leftover;
    this.idleTimeoutMs = idleTimeoutMs;
  }

  /** Connects and reads the header. Rejects with a CaptureError (or an AbortError if aborted). */
  static connect(host: string, port: number, opts: RtlTcpConnectOptions = {}): Promise<RtlTcpClient> {
    const connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
    const headerTimeoutMs = opts.headerTimeoutMs ?? 5_000;
    const idleTimeoutMs = opts.idleTimeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      if (opts.signal?.aborted) return reject(abortError());
      const socket = connect({ host, port });
      socket.setNoDelay(true);
      let got: Buffer = Buffer.alloc(0);
      let settled = false;
      let timer: NodeJS.Timeout | null = setTimeout(() => fail(unreachableError(host, port, `no answer within ${connectTimeoutMs / 1000} s`)), connectTimeoutMs);
      const cleanup = () => {
        if (timer) clearTimeout(timer);
        timer = null;
        socket.off('data', onData);
        socket.off('error', onError);
        socket.off('close', onClose);
        socket.off('connect', onConnect);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        cleanup();
        socket.destroy();
        reject(err);
      };
      const onAbort = () => fail(abortError());
      const onError = (err: NodeJS.ErrnoException) => fail(mapSocketError(err, host, port));
      const onClose = () =>
        fail(got.length > 0 ? notRtlTcpError(host, port, got) : disconnectedError(`rtl_tcp ${host}:${port}`, 'closed before sending its header'));
      const onConnect = () => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => fail(noHeaderError(host, port, headerTimeoutMs / 1000)), headerTimeoutMs);
      };
      const onData = (chunk: Buffer) => {
        got = got.length === 0 ? chunk : Buffer.concat([got, chunk]);
        // Refuse garbage as soon as the magic is wrong, without waiting for 12 bytes.
        const n = Math.min(4, got.length);
        if (got.subarray(0, n).toString('latin1') !== RTL_TCP_MAGIC.slice(0, n)) return fail(notRtlTcpError(host, port, got));
        if (got.length < RTL_TCP_HEADER_BYTES) return;
        const info = parseDongleInfo(got)!;
        settled = true;
        cleanup();
        // Hold the stream until stream() attaches; TCP flow control keeps the server waiting.
        socket.pause();
        const rest = got.length > RTL_TCP_HEADER_BYTES ? Buffer.from(got.subarray(RTL_TCP_HEADER_BYTES)) : null;
        resolve(new RtlTcpClient(socket, host, port, info, rest, idleTimeoutMs));
      };
      socket.on('data', onData);
      socket.on('error', onError);
      socket.on('close', onClose);
      socket.on('connect', onConnect);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  send(command: number, param: number): void {
    this.socket.write(encodeCommand(command, param));
  }

  configure(settings: TunerSettings): void {
    for (const cmd of commandsFor(settings)) this.socket.write(cmd);
  }

  stream(onChunk: (chunk: Uint8Array) => void, signal: AbortSignal): Promise<void> {
    if (this.streaming) throw new Error('RtlTcpClient.stream() may be called once');
    this.streaming = true;
    const socket = this.socket;
    return new Promise<void>((resolve, reject) => {
      let done = false;
      const finish = (err: Error | null) => {
        if (done) return;
        done = true;
        socket.off('data', onData);
        socket.off('error', onError);
        socket.off('close', onClose);
        socket.off('timeout', onTimeout);
        signal.removeEventListener('abort', onAbort);
        socket.setTimeout(0);
        socket.destroy();
        if (err) reject(err);
        else resolve();
      };
      const onData = (chunk: Buffer) => {
        try {
          onChunk(chunk);
        } catch (err) {
          finish(err as Error);
        }
      };
      const onError = (err: NodeJS.ErrnoException) => finish(disconnectedError(this.label, err.code ?? err.message));
      const onClose = () => finish(signal.aborted ? null : disconnectedError(this.label, 'the server closed the connection'));
      const onTimeout = () => finish(stalledError(this.label, this.idleTimeoutMs / 1000));
      const onAbort = () => finish(null);
      if (signal.aborted) return finish(null);
      signal.addEventListener('abort', onAbort, { once: true });
      socket.on('error', onError);
      socket.on('close', onClose);
      socket.on('timeout', onTimeout);
      socket.setTimeout(this.idleTimeoutMs);
      if (this.leftover) {
        const first = this.leftover;
        this.leftover = null;
        onData(first);
      }
      if (done) return;
      socket.on('data', onData);
      socket.resume();
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
