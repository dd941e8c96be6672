import { useConsole } from '../store/console-store';
import { SourceCard } from './SourceCard';

export function SourceList() {
  const sources = useConsole((s) => s.sources);
  const streams = useConsole((s) => s.streams);
  const loaded = useConsole((s) => s.loaded);
  const loadError = useConsole((s) => s.loadError);
  // With the engine unreachable nothing updates these cards: they must not look current.
  const stale = useConsole((s) => s.connection.kind !== 'connected');

  if (!loaded) {
    return <div className="empty">{loadError ? `Could not load the sources: ${loadError}` : 'Loading sources…'}</div>;
  }
  if (sources.length === 0) {
    return <div className="empty">No sources configured. Add one in Settings, or start the console with --source demo: to try it.</div>;
  }
  const ordered = [...sources].sort((a, b) => a.priority - b.priority || a.name.localeCompare(b.name));
  return (
    <section className={`source-list${stale ? ' stale' : ''}`} aria-label="Sources" data-stale={stale}>
      {ordered.map((s) => (
        <SourceCard key={s.id} source={s} streams={streams.filter((st) => st.sourceId === s.id)} stale={stale} />
      ))}
    </section>
  );
}
