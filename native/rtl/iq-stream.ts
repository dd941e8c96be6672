/** Settings both transports apply to the dongle. */
export interface TunerSettings {
  /** Tuner centre frequency in Hz (the channel's frequency minus the offset). */
  centerHz: number;
  rateHz: number;
  /** Tuner gain in dB, or null for the tuner's automatic gain. */
  gainDb: number | null;
  ppm: number;
  /** RTL2832 digital AGC. */
  agc: boolean;
  biasTee: boolean;
}

/**
 * A running source of u8 IQ. stream() delivers chunks until `signal` aborts (then resolves) or
 * the transport fails (then rejects with a CaptureError); it may be called once.
 */
export interface IqStream {
  /** What it is, for log lines and error messages (e.g. "rtl_tcp 10.0.0.5:1234"). */
  readonly label: string;
  stream(onChunk: (chunk: Uint8Array) => void, signal: AbortSignal): Promise<void>;
  /** Releases the transport without streaming (e.g. setup failed after connect). */
  close(): void;
}
