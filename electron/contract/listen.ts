/**
 * The direct listening channel (serve mode): a WebSocket at LISTEN_PATH?source=ID carrying
 * one text frame first (ListenHello), then binary frames of a source's bus PCM, each an
 * 8-byte little-endian float64 bus sample index of its first sample followed by s16le mono
 * samples at `rate`. PCM flows only while the socket is open.
 */
export const LISTEN_PATH = '/ws/listen';

export const LISTEN_HEADER_BYTES = 8;

export interface ListenHello {
  t: 'hello';
  sourceId: string;
  rate: number;
}

/** Close codes (4000-4999 are the application's). */
export const LISTEN_CLOSE = { unknownSource: 4404, ended: 4410 } as const;

/** The relative URL of a source's listening socket (relative to the page, like alertAudioPath). */
export function listenPath(sourceId: string): string {
  return `${LISTEN_PATH.slice(1)}?source=${encodeURIComponent(sourceId)}`;
}
