import type { WebSocket, WebSocketServer } from 'ws';

/**
 * A client whose machine slept, lost power or dropped off the network never closes its
 * socket: without a ping the server would keep sending it events (and a listener's PCM,
 * which keeps the worker posting audio) until the kernel gives up, many minutes later. Each
 * period every client is pinged; one that has not answered the previous ping is terminated.
 * Browsers answer pings themselves, so a page that is merely busy is not affected.
 */
export function keepAlive(wss: WebSocketServer, periodMs: number): () => void {
  const answered = new WeakMap<WebSocket, boolean>();
  const onConnection = (ws: WebSocket): void => {
    answered.set(ws, true);
    ws.on('pong', () => answered.set(ws, true));
  };
  wss.on('connection', onConnection);
  const timer = setInterval(() => {
    for (const ws of wss.clients) {
      if (answered.get(ws) === false) {
        ws.terminate();
        continue;
      }
      answered.set(ws, false);
      try {
        ws.ping();
      } catch {
        ws.terminate();
      }
    }
  }, periodMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    wss.off('connection', onConnection);
  };
}
