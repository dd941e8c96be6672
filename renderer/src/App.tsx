import { useEffect, useState } from 'react';
import { ActivityLog } from './components/ActivityLog';
import { AlertBanner } from './components/AlertBanner';
import { AlertHistory } from './components/AlertHistory';
import { ArchivePanel } from './components/archive/ArchivePanel';
import { ConnectionBanner } from './components/ConnectionBanner';
import { DecoderEvents } from './components/DecoderEvents';
import { Diagnostics } from './components/Diagnostics';
import { Header } from './components/Header';
import { IcecastPanel } from './components/IcecastPanel';
import { NotificationPrompt } from './components/NotificationPrompt';
import { ProblemsBar } from './components/ProblemsBar';
import { SettingsPanel } from './components/SettingsPanel';
import { SourceList } from './components/SourceList';
import { bySeverity, isActiveAt } from './lib/alerts';
import { useConsole } from './store/console-store';

const TABS = [
  { id: 'console', label: 'Console' },
  { id: 'alerts', label: 'Alert history' },
  { id: 'archive', label: 'Archive' },
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

export function App({ fallbackMode }: { fallbackMode: 'electron' | 'serve' }) {
  const [tab, setTab] = useState<TabId>(tabFromHash);
  useEffect(() => {
    const onHash = () => setTab(tabFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useDocumentTitle();

  return (
    <div className="app">
        <ProblemsBar />
        <Header fallbackMode={fallbackMode} />
        <ConnectionBanner />
        <AlertBanner />
        {fallbackMode === 'serve' && <NotificationPrompt />}
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
          {tab === 'archive' && <ArchivePanel />}
          {tab === 'icecast' && <IcecastPanel />}
          {tab === 'settings' && <SettingsPanel />}
          {tab === 'diagnostics' && <Diagnostics />}
        </main>
    </div>
  );
}

/**
 * The window title carries the most severe relevant alert, so a minimised or background window
 * (and the taskbar) still says it: "Tornado Warning (+2) — KXYZ — EAS Monitor".
 */
function useDocumentTitle(): void {
  const active = useConsole((s) => s.activeAlerts);
  // Minute resolution is enough to drop an expired alert whose push was missed.
  const minute = useConsole((s) => Math.floor(s.now / 60_000));
  const station = useConsole((s) => s.stationName);
  const connected = useConsole((s) => s.connection.kind === 'connected');
  useEffect(() => {
    const now = Date.now();
    const relevant = active.filter((a) => a.relevance.relevant && isActiveAt(a, now)).sort(bySeverity);
    const first = relevant[0];
    const alert = first ? `${first.eventName}${relevant.length > 1 ? ` (+${relevant.length - 1})` : ''} — ` : '';
    document.title = `${connected ? '' : '[DISCONNECTED] '}${alert}${titleBase(station)}`;
  }, [active, minute, station, connected]);
}

/** The default station name is "EAS Monitor": do not say it twice. */
function titleBase(station: string | null): string {
  const name = station?.trim();
  if (!name) return 'EAS Monitor Console';
  return /\bEAS Monitor\b/i.test(name) ? name : `${name} — EAS Monitor`;
}
