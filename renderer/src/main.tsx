import './api/zod-setup';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { ConsoleApi } from '@contract';
import { App } from './App';
import { startChime } from './alerting/chime-controller';
import { startNotifier } from './alerting/notifier';
import { alwaysConnected, type ConnectionMonitor } from './api/connection';
import { withValidation } from './api/validated-api';
import { WsConsoleApi } from './api/ws-client';
import { syncStore } from './store/sync';
import { useConsole } from './store/console-store';
import './styles.css';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a plain browser (serve mode). */
    eas?: ConsoleApi;
  }
}

const report = (message: string): void => {
  console.warn(message);
  useConsole.getState().addActivity('warn', 'console', message);
};

// The renderer cannot tell the transports apart beyond this line.
const ws = window.eas ? null : new WsConsoleApi(WsConsoleApi.urlFor(window.location), { onProtocolError: report });
const transport: ConsoleApi = window.eas ?? ws!;
const monitor: ConnectionMonitor = ws ?? alwaysConnected();
// Every command goes through store/actions.ts, which syncStore binds to this api.
syncStore(withValidation(transport, report), monitor);
startChime();
// Electron's main process shows desktop notifications itself; a browser needs the page to.
if (!window.eas) startNotifier();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App fallbackMode={window.eas ? 'electron' : 'serve'} />
  </StrictMode>,
);
