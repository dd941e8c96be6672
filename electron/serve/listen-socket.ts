import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { keepAlive } from './heartbeat';
import { BUS_RATE, LISTEN_CLOSE, LISTEN_HEADER_BYTES, type ListenHello } from '../contract';
import type { ListenHub } from '../engine/listen/listen-hub';

/**
 * A listener that cannot keep up (a slow link) loses blocks rather than buffering without
 * bound: about 3 s of bus audio. The player's jitter buffer turns the gap into a fade.
 */
const MAX_BUFFERED = 3 * BUS_RATE * 2;

export interface ListenSockets {
  /** Takes an upgrade that server.ts has already screened and authenticated. */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer, searchParams: URLSearchParams): void;
  close(): void;
}

/** A bus block as one binary frame: float64 start index, then the s16 samples. */
export function encodeListenFrame(block: Int16Array, startSample: number): Buffer {
  const frame = Buffer.allocUnsafe(LISTEN_HEADER_BYTES + block.byteLength);
  frame.writeDoubleLE(startSample, 0);
  Buffer.from(block.buffer, block.byteOffset, block.byteLength).copy(frame, LISTEN_HEADER_BYTES);
  return frame;
}

/** serve's /ws/listen?source=ID: one source's PCM to one browser, only while it is open. */
export function createListenSockets(hub: ListenHub, pingIntervalMs: number): ListenSockets {
  // Clients send nothing; a small cap refuses anything else.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const stopPinging = keepAlive(wss, pingIntervalMs);

  wss.on('connection', (ws: WebSocket, sourceId: string) => {
    const listening = hub.listen(
      sourceId,
      (block, startSample) => {
        if (ws.readyState !== ws.OPEN || ws.bufferedAmount > MAX_BUFFERED) return;
        ws.send(encodeListenFrame(block, startSample), { binary: true });
      },
      () => ws.close(LISTEN_CLOSE.ended, 'source stopped'),
    );
    if (!listening) {
      ws.close(LISTEN_CLOSE.unknownSource, 'no such running source');
      return;
    }
    ws.send(JSON.stringify({ t: 'hello', sourceId, rate: BUS_RATE } satisfies ListenHello));
    ws.on('close', () => listening.stop());
    ws.on('error', () => ws.terminate());
  });

  return {
    accept(req, socket, head, searchParams) {
      const sourceId = searchParams.get('source') ?? '';
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, sourceId));
    },
    close() {
      stopPinging();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
