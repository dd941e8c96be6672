// The renderer's only door to the app: window.eas, a ConsoleApi built from the contract.
// Calls are validated here before they cross (and again in the main process).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  alertAudioPath,
  ContractError,
  IPC_CALL,
  IPC_EVENT,
  isEventName,
  LISTEN_PORT_CHANNEL,
  LISTEN_PORT_GRANT,
  LISTEN_PORT_REQUEST,
  listenPortNonce,
  MEDIA_SCHEME,
  validateCall,
  type CallReply,
} from '../contract';

const api = {
  async call(cmd: unknown, args: unknown): Promise<unknown> {
    try {
      validateCall(cmd, args);
    } catch (err) {
      throw err instanceof ContractError ? err.toJSON() : err;
    }
    const reply = (await ipcRenderer.invoke(IPC_CALL, cmd, args)) as CallReply;
    if (reply.ok) return reply.value;
    throw reply.error;
  },
  on(name: unknown, listener: (payload: unknown) => void): () => void {
    if (!isEventName(name) || typeof listener !== 'function') throw new Error(`unknown event ${String(name)}`);
    const handler = (_e: IpcRendererEvent, eventName: string, payload: unknown): void => {
      if (eventName === name) listener(payload);
    };
    ipcRenderer.on(IPC_EVENT, handler);
    return () => ipcRenderer.removeListener(IPC_EVENT, handler);
  },
  alertAudioUrl(alertId: unknown): string {
    if (typeof alertId !== 'string') throw new Error('alertAudioUrl needs an alert id');
    return `${MEDIA_SCHEME}://${alertAudioPath(alertId)}`;
  },
};

contextBridge.exposeInMainWorld('eas', api);

// The direct listening channel (contract/listen-port.ts): a MessagePort cannot cross
// contextBridge, so the page asks with a window message, the main process answers with a port,
// and the port goes on to the page transferred in a window message of its own.
// (The window as the preload uses it: the preload is compiled without the DOM library.)
interface PageWindow {
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown, targetOrigin: string, transfer: unknown[]): void;
}
const page = (globalThis as unknown as { window: PageWindow }).window;
page.addEventListener('message', (e) => {
  const data = e.data as { type?: unknown; nonce?: unknown } | null;
  if (data?.type !== LISTEN_PORT_REQUEST) return;
  const nonce = listenPortNonce(data.nonce);
  ipcRenderer.send(LISTEN_PORT_CHANNEL, ...(nonce ? [nonce] : []));
});
ipcRenderer.on(LISTEN_PORT_CHANNEL, (e: IpcRendererEvent, echoed: unknown) => {
  const port = e.ports[0];
  const nonce = listenPortNonce(echoed);
  if (port) page.postMessage(nonce ? { type: LISTEN_PORT_GRANT, nonce } : { type: LISTEN_PORT_GRANT }, '*', [port]);
});
