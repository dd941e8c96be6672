// The renderer's only door to the app: window.eas, a ConsoleApi built from the contract.
// Calls are validated here before they cross (and again in the main process).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  alertAudioPath,
  ContractError,
  IPC_CALL,
  IPC_EVENT,
  isEventName,
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
