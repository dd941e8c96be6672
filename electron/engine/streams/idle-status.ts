import type { StreamStatus } from '../../contract';

/** A stream's status while nothing is flowing: counters zero, listeners unknown (not ours to count). */
export function idleStreamStatus(
  s: Pick<StreamStatus, 'streamId' | 'sourceId' | 'enabled' | 'state' | 'format' | 'mount' | 'message'> &
    Partial<Pick<StreamStatus, 'listeners' | 'peakListeners'>>,
): StreamStatus {
  return {
    uptimeS: 0,
    bytesSent: 0,
    bitrateKbps: null,
    reconnects: 0,
    droppedBytes: 0,
    droppedPcmMs: 0,
    lastError: null,
    listeners: null,
    peakListeners: null,
    ...s,
  };
}
