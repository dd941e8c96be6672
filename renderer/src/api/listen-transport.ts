// The direct player's transports (the interface is in listen-port-client.ts): serve's WebSocket,
// and in Electron the MessagePort the preload hands the page. Both carry the same frames.
import { LISTEN_PORT_GRANT, LISTEN_PORT_REQUEST, listenPath, type ListenHello } from '@contract';
import { LISTEN_PORT_LOST, PortListenClient, type ListenSink, type ListenTransport, type OpenListen } from './listen-port-client';

export type { ListenSink, ListenTransport, OpenListen } from './listen-port-client';

/** serve: ws(s)://host/ws/listen?source=ID, carrying the page's ?token= as the main socket does. */
export function webSocketListen(sourceId: string, sink: ListenSink): ListenTransport {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = new URL(listenPath(sourceId), `${proto}//${location.host}/`);
  const token = new URLSearchParams(location.search).get('token');
  if (token) url.searchParams.set('token', token);
  const ws = new WebSocket(url.toString());
  ws.binaryType = 'arraybuffer';
  let closed = false;
  ws.onmessage = (e: MessageEvent<ArrayBuffer | string>) => {
    if (typeof e.data === 'string') sink.hello((JSON.parse(e.data) as ListenHello).rate);
    else sink.frame(e.data);
  };
  ws.onclose = (e) => {
    if (!closed) sink.closed(e.code, e.reason);
  };
  return {
    close() {
      closed = true;
      ws.close();
    },
  };
}

/** A page without the preload's answer in this time has no listening channel (an old preload, or main not ready). */
const PORT_WAIT_MS = 5000;
let desktop: Promise<PortListenClient> | null = null;

/** A request's own token, so that a grant answering an earlier (timed-out) request is not taken for this one. */
function newNonce(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** The page's one port, asked of the preload the first time it is needed and again after it died. */
function desktopClient(): Promise<PortListenClient> {
  const cached = desktop;
  if (cached) return cached;
  const nonce = newNonce();
  const asked = new Promise<PortListenClient>((resolve, reject) => {
    const onMessage = (e: MessageEvent): void => {
      // Only the preload posts this type (from this window), with the port the main process sent for this request.
      const data = e.data as { type?: unknown; nonce?: unknown } | null;
      if (e.source !== window || data?.type !== LISTEN_PORT_GRANT || data.nonce !== nonce || !e.ports[0]) return;
      window.removeEventListener('message', onMessage);
      clearTimeout(timer);
      const client: PortListenClient = new PortListenClient(e.ports[0], {
        // A port the main side closed, or that left a start unanswered, is not asked of again.
        onDead: () => {
          if (desktop === asked) desktop = null;
        },
      });
      resolve(client);
    };
    const timer = setTimeout(() => {
      window.removeEventListener('message', onMessage);
      if (desktop === asked) desktop = null;
      reject(new Error(`the desktop app did not open the listening channel within ${PORT_WAIT_MS / 1000} s`));
    }, PORT_WAIT_MS);
    window.addEventListener('message', onMessage);
    window.postMessage({ type: LISTEN_PORT_REQUEST, nonce }, '*');
  });
  desktop = asked;
  return asked;
}

/** Electron: the listen over the page's MessagePort. */
export function portListen(sourceId: string, sink: ListenSink): ListenTransport {
  let inner: ListenTransport | null = null;
  let closed = false;
  desktopClient().then(
    (client) => {
      if (!closed) inner = client.open(sourceId, sink);
    },
    (err: Error) => {
      if (!closed) sink.closed(LISTEN_PORT_LOST, err.message);
    },
  );
  return {
    close() {
      closed = true;
      inner?.close();
    },
  };
}

/** The transport this page has: the preload's port in Electron, the WebSocket in a browser. */
export const openListen: OpenListen = (sourceId, sink) => (window.eas ? portListen : webSocketListen)(sourceId, sink);
