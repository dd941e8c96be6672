import { useCallback, useEffect, useState } from 'react';
import { parseSourceUri, SourceUriError, type Settings, type SourceConfig } from '@contract';
import { useApi } from '../api/context';
import { toContractError } from '../api/validated-api';
import { useConsole } from '../store/console-store';
import { SourcePicker } from './SourcePicker';
import { StreamEditor } from './StreamEditor';

type Draft = Pick<Settings, 'stationName' | 'failover' | 'sources'>;

function uriProblem(uri: string): string | null {
  try {
    parseSourceUri(uri);
    return null;
  } catch (err) {
    return err instanceof SourceUriError ? `${err.part}: ${err.message}` : String(err);
  }
}

const FAILOVER_FIELDS: Array<{ key: keyof Settings['failover']; label: string; unit: string }> = [
  { key: 'silenceThresholdDb', label: 'Silence below', unit: 'dBFS' },
  { key: 'silenceSeconds', label: 'Silent after', unit: 's' },
  { key: 'stallSeconds', label: 'Stalled after', unit: 's' },
  { key: 'holdSeconds', label: 'Fail back after healthy for', unit: 's' },
];

/**
 * Station name, failover timing and the source list, saved with settings.update (the engine
 * revalidates and names the field it refuses). Streams are listed read-only until the
 * streaming issue brings its editor.
 */
export function SettingsPanel() {
  const api = useApi();
  const setStationName = useConsole((s) => s.setStationName);
  const [saved, setSaved] = useState<Settings | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const reload = useCallback(async () => {
    try {
      const s = await api.call('settings.get', {});
      setSaved(s);
      setDraft({ stationName: s.stationName, failover: s.failover, sources: s.sources });
    } catch (err) {
      setError({ message: toContractError(err).message });
    }
  }, [api]);

  useEffect(() => {
    void reload();
  }, [reload]);

  if (!draft || !saved) {
    return (
      <section className="panel" data-testid="settings">
        <h3>Settings</h3>
        {error ? <div className="error-box">Could not load settings: {error.message}</div> : <div className="empty small">Loading…</div>}
      </section>
    );
  }

  const dirty = JSON.stringify(draft) !== JSON.stringify({ stationName: saved.stationName, failover: saved.failover, sources: saved.sources });
  const uriErrors = draft.sources.map((s) => uriProblem(s.uri));
  const setSource = (i: number, patch: Partial<SourceConfig>) =>
    setDraft({ ...draft, sources: draft.sources.map((s, j) => (j === i ? { ...s, ...patch } : s)) });

  const save = async () => {
    setBusy(true);
    setStatus(null);
    try {
      const next = await api.call('settings.update', draft);
      setSaved(next);
      setDraft({ stationName: next.stationName, failover: next.failover, sources: next.sources });
      setStationName(next.stationName);
      setError(null);
      setStatus('Saved.');
    } catch (err) {
      const e = toContractError(err);
      setError({ message: e.message, field: e.field });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel settings" data-testid="settings">
      <div className="panel-head">
        <h3>Settings</h3>
        <div className="actions">
          {status && !dirty && <span className="ok-text">{status}</span>}
          <button type="button" disabled={!dirty || busy} onClick={() => setDraft({ stationName: saved.stationName, failover: saved.failover, sources: saved.sources })}>
            Revert
          </button>
          <button type="button" className="primary" disabled={!dirty || busy || uriErrors.some(Boolean)} onClick={() => void save()}>
            Save
          </button>
        </div>
      </div>
      {error && (
        <div className="error-box">
          {error.message}
          {error.field ? ` (field: ${error.field})` : ''}
        </div>
      )}

      <label className="field">
        <span>Station name</span>
        <input value={draft.stationName} maxLength={80} onChange={(e) => setDraft({ ...draft, stationName: e.target.value })} />
      </label>

      <h4>Failover</h4>
      <div className="field-row">
        {FAILOVER_FIELDS.map((f) => (
          <label key={f.key} className="field small">
            <span>{f.label}</span>
            <span className="with-unit">
              <input
                type="number"
                value={draft.failover[f.key]}
                onChange={(e) => setDraft({ ...draft, failover: { ...draft.failover, [f.key]: Number(e.target.value) } })}
              />
              {f.unit}
            </span>
          </label>
        ))}
      </div>

      <h4>Sources</h4>
      <p className="muted small">
        Lower priority numbers are preferred for the program. URIs: demo:, file:PATH[?loop=1], alsa:DEVICE,
        rtlsdr:?freq=…, rtltcp://HOST:PORT?freq=…, http(s)://…
      </p>
      <table className="events settings-sources">
        <thead>
          <tr>
            <th>On</th>
            <th>Id</th>
            <th>Name</th>
            <th>URI</th>
            <th>Priority</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {draft.sources.map((s, i) => (
            <tr key={i}>
              <td>
                <input type="checkbox" checked={s.enabled} onChange={(e) => setSource(i, { enabled: e.target.checked })} aria-label="enabled" />
              </td>
              <td>
                <input className="mono" value={s.id} onChange={(e) => setSource(i, { id: e.target.value })} size={10} />
              </td>
              <td>
                <input value={s.name} onChange={(e) => setSource(i, { name: e.target.value })} />
              </td>
              <td>
                <input className="mono wide" value={s.uri} onChange={(e) => setSource(i, { uri: e.target.value })} />
                <SourcePicker onPick={(uri) => setSource(i, { uri })} />
                {uriErrors[i] && <div className="error-text">{uriErrors[i]}</div>}
              </td>
              <td>
                <input type="number" value={s.priority} min={0} max={1000} onChange={(e) => setSource(i, { priority: Number(e.target.value) })} />
              </td>
              <td>
                <button type="button" onClick={() => setDraft({ ...draft, sources: draft.sources.filter((_, j) => j !== i) })}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button
        type="button"
        onClick={() =>
          setDraft({
            ...draft,
            sources: [
              ...draft.sources,
              { id: `source-${draft.sources.length + 1}`, name: `Source ${draft.sources.length + 1}`, uri: 'demo:', priority: draft.sources.length * 10, enabled: true },
            ],
          })
        }
      >
        Add source
      </button>

      <h4>Streams</h4>
      <StreamEditor streams={saved.streams} sources={saved.sources} onChanged={() => void reload()} />
    </section>
  );
}
