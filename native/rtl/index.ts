export type { IqStream, TunerSettings } from './iq-stream';
export {
  RtlTcpClient,
  RTL_TCP_COMMAND,
  RTL_TCP_HEADER_BYTES,
  RTL_TCP_MAGIC,
  TUNER_NAMES,
  commandsFor,
  encodeCommand,
  parseDongleInfo,
  type DongleInfo,
  type RtlTcpConnectOptions,
} from './rtl-tcp-client';
export { RtlSdrProcess, classifyRtlSdrFailure, rtlSdrArgs, type RtlSdrOptions } from './rtl-sdr-process';
export { NO_DEVICE_HINT } from './errors';
