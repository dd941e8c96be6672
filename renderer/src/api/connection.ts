/**
 * How the renderer reaches the engine, as the UI shows it. Electron IPC is always "connected";
 * the serve-mode WebSocket goes through every state.
 */
export type ConnectionState =
  | { kind: 'connecting'; attempt: number }
  | { kind: 'connected'; since: number }
  | { kind: 'reconnecting'; attempt: number; retryAt: number; reason: string };

export interface ConnectionMonitor {
  connection(): ConnectionState;
  /** Called on every state change; returns an unsubscribe function. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

/** Electron's IPC cannot drop the way a socket does, so the monitor there is constant. */
export function alwaysConnected(): ConnectionMonitor {
  const state: ConnectionState = { kind: 'connected', since: Date.now() };
  return { connection: () => state, onConnection: () => () => {} };
}
