import { useEffect, useState } from 'react';
import type { ConsoleApi } from '@contract';
import { ApiContext } from './api/context';
import { ActivityLog } from './components/ActivityLog';
import { AlertBanner } from './components/AlertBanner';
import { AlertHistory } from './components/AlertHistory';
import { ConnectionBanner } from './components/ConnectionBanner';
import { DecoderEvents } from './components/DecoderEvents';
import { Diagnostics } from './components/Diagnostics';
import { Header } from './components/Header';
import { IcecastPanel } from './components/IcecastPanel';
import { SettingsPanel } from './components/SettingsPanel';
import { SourceList } from './components/SourceList';
import { useConsole } from './store/console-store';

const TABS = [
  { id: 'console', label: 'Console' },
  { id: 'alerts', label: 'Alert history' },
  { id: 'icecast', label: 'Icecast' },
  { id: 'settings', label: 'Settings' },
  { id: 'diagnostics', label: 'Diagnostics' },
] as const;
type TabId = (typeof TABS)[number]['id'];

/** The tab lives in the URL hash so a reload (or a bookmark on the wall PC) keeps it. */
function tabFromHash(): TabId {
  const h = window.location.hash.replace(/^#/, '');
  return TABS.some((t) => t.id === h) ? (h as TabId) : 'console';
}

export function App({ api, fallbackMode }: { api: ConsoleApi; fallbackMode: 'electron' | 'serve' }) {
  const [tab, setTab] = useState<TabId>(tabFromHash);
  useEffect(() => {
    const onHash = () => setTab(tabFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useDocumentTitle();

  return (
    <ApiContext.Provider value={api}>
      <div className="app">
        <Header fallbackMode={fallbackMode} />
        <ConnectionBanner />
        <AlertBanner />
        <nav className="tabs" role="tablist">
          {TABS.map((t) => (
            <a
              key={t.id}
              href={`#${t.id}`}
              role="tab"
              aria-selected={tab === t.id}
              className={tab === t.id ? 'active' : ''}
              data-testid={`tab-${t.id}`}
            >
              {t.label}
            </a>
          ))}
        </nav>
        <main className={`tab-${tab}`}>
          {tab === 'console' && (
            <>
              <SourceList />
              <div className="lower">
                <DecoderEvents />
                <ActivityLog />
              </div>
            </>
          )}
          {tab === 'alerts' && <AlertHistory />}
          {tab === 'icecast' && <IcecastPanel />}
          {tab === 'settings' && <SettingsPanel />}
          {tab === 'diagnostics' && <Diagnostics />}
        </main>
      </div>
    </ApiContext.Provider>
  );
}

/** The window title carries the alert, so a minimised or background window still says it. */
function useDocumentTitle(): void {
  const alerts = useConsole((s) => s.activeAlerts);
  const station = useConsole((s) => s.stationName);
  const connected = useConsole((s) => s.connection.kind === 'connected');
  useEffect(() => {
    const base = station ? `${station} — EAS Monitor` : 'EAS Monitor Console';
    const first = alerts[0];
    const alert = first ? `${first.eventName}${alerts.length > 1 ? ` (+${alerts.length - 1})` : ''} — ` : '';
    document.title = `${connected ? '' : '[DISCONNECTED] '}${alert}${base}`;
  }, [alerts, station, connected]);
}
