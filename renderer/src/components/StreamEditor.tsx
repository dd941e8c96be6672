import { useState } from 'react';
import { RENDITION_PRESETS, StreamConfig, fromZodError, presetById, presetSummary, renditionMount, type SourceConfig, type StreamFormat } from '@contract';
import { toContractError } from '../lib/contract-error';
import { configureStream, removeStream } from '../store/actions';
import { useConsole } from '../store/console-store';
import { AddRendition } from './listen/AddRendition';

const FORMATS: Array<{ id: StreamFormat; label: string; ext: string; kbps: number }> = [
  { id: 'mp3', label: 'MP3', ext: 'mp3', kbps: 128 },
  { id: 'aac', label: 'AAC', ext: 'aac', kbps: 64 },
  { id: 'opus', label: 'Ogg Opus', ext: 'opus', kbps: 48 },
  { id: 'vorbis', label: 'Ogg Vorbis', ext: 'ogg', kbps: 96 },
];

/** "/wxyz-fm.mp3" from "WXYZ FM": the mount grammar allows A-Z a-z 0-9 . _ - only. */
export function defaultMount(sourceName: string, format: StreamFormat): string {
  const base = sourceName.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 56) || 'stream';
  return `/${base}.${FORMATS.find((f) => f.id === format)!.ext}`;
}

function blank(source: SourceConfig, taken: ReadonlySet<string>): StreamConfig {
  let id = `${source.id}-mp3`;
  for (let n = 2; taken.has(id); n++) id = `${source.id}-mp3-${n}`;
  return { id, sourceId: source.id, enabled: false, format: 'mp3', bitrateKbps: 128, host: '127.0.0.1', port: 8000, mount: defaultMount(source.name, 'mp3') };
}

/**
 * Streams (renditions) per source: add, edit, remove. The source password is write-only: it
 * goes to the engine's secret store with streams.configure and never comes back.
 */
export function StreamEditor({ streams, sources, onChanged }: { streams: StreamConfig[]; sources: SourceConfig[]; onChanged(): void }) {
  const [draft, setDraft] = useState<{ stream: StreamConfig; password: string; isNew: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async () => {
    if (!draft) return;
    const parsed = StreamConfig.safeParse(draft.stream);
    if (!parsed.success) {
      setError(fromZodError(parsed.error).message);
      return;
    }
    setBusy(true);
    try {
      await configureStream(parsed.data, draft.password);
      setDraft(null);
      setError(null);
      onChanged();
    } catch (err) {
      const e = toContractError(err);
      setError(`${e.message}${e.field ? ` (field: ${e.field})` : ''}`);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (streamId: string) => {
    setBusy(true);
    try {
      await removeStream(streamId);
      onChanged();
    } catch (err) {
      setError(toContractError(err).message);
    } finally {
      setBusy(false);
    }
  };

  const set = (patch: Partial<StreamConfig>) => draft && setDraft({ ...draft, stream: { ...draft.stream, ...patch } });
  const sourceName = (id: string) => sources.find((s) => s.id === id)?.name ?? id;
  const statuses = useConsole((s) => s.streams);
  const withStreams = sources.filter((src) => streams.some((st) => st.sourceId === src.id));

  /** A preset in the form: its format and bitrate, and a mount named after the source's other streams. */
  const applyPreset = (presetId: string) => {
    const p = presetById(presetId);
    if (!p || !draft) return;
    const sibling = streams.find((st) => st.sourceId === draft.stream.sourceId && st.id !== draft.stream.id);
    const mount = sibling
      ? renditionMount(sibling.mount, p, streams.map((st) => st.mount))
      : defaultMount(sourceName(draft.stream.sourceId), p.format);
    set({ format: p.format, bitrateKbps: p.bitrateKbps, mount });
  };

  return (
    <div className="stream-editor" data-testid="stream-editor">
      {streams.length === 0 ? (
        <div className="empty small">No streams yet. Add one to put a source on an Icecast mount; its switch is on the Console tab.</div>
      ) : (
        <table className="events">
          <thead>
            <tr>
              <th>Stream</th>
              <th>Source</th>
              <th>Server</th>
              <th>Mount</th>
              <th>Format</th>
              <th>On</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {streams.map((st) => (
              <tr key={st.id}>
                <td>{st.name ?? st.id}</td>
                <td>{sourceName(st.sourceId)}</td>
                <td className="mono">
                  {st.tls ? 'https' : 'http'}://{st.host}:{st.port}
                </td>
                <td className="mono">{st.mount}</td>
                <td>
                  {st.format.toUpperCase()} {st.bitrateKbps} kbit/s
                </td>
                <td>{st.enabled ? 'yes' : 'no'}</td>
                <td className="actions-cell">
                  <button type="button" className="small" disabled={busy} onClick={() => setDraft({ stream: st, password: '', isNew: false })}>
                    Edit
                  </button>
                  <button type="button" className="small danger" disabled={busy} onClick={() => void remove(st.id)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!draft &&
        withStreams.map((src) => (
          <div key={src.id} className="add-rendition-row">
            <span className="muted small">Another rendition of {src.name}, in one step:</span>
            <AddRendition sourceId={src.id} streams={statuses} onAdded={onChanged} />
          </div>
        ))}
      {!draft && sources.length > 0 && (
        <button type="button" onClick={() => setDraft({ stream: blank(sources[0]!, new Set(streams.map((s) => s.id))), password: '', isNew: true })}>
          Add stream
        </button>
      )}
      {draft && (
        <form
          className="stream-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <h4>{draft.isNew ? 'New stream' : `Edit ${draft.stream.id}`}</h4>
          <div className="field-row">
            <label className="field small">
              <span>Source</span>
              <select
                value={draft.stream.sourceId}
                onChange={(e) => {
                  const src = sources.find((s) => s.id === e.target.value)!;
                  set({ sourceId: src.id, mount: defaultMount(src.name, draft.stream.format) });
                }}
              >
                {sources.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="field small">
              <span>Preset</span>
              <select value="" onChange={(e) => applyPreset(e.currentTarget.value)}>
                <option value="">Fill from a use…</option>
                {RENDITION_PRESETS.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.label}: {presetSummary(p)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field small">
              <span>Format</span>
              <select
                value={draft.stream.format}
                onChange={(e) => {
                  const f = FORMATS.find((x) => x.id === e.target.value)!;
                  set({ format: f.id, bitrateKbps: f.kbps, mount: defaultMount(sourceName(draft.stream.sourceId), f.id) });
                }}
              >
                {FORMATS.map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.label}
                  </option>
                ))}
              </select>
            </label>
            <label className="field small">
              <span>Bitrate</span>
              <span className="with-unit">
                <input type="number" min={8} max={320} value={draft.stream.bitrateKbps} onChange={(e) => set({ bitrateKbps: Number(e.target.value) })} />
                kbit/s
              </span>
            </label>
            <label className="field small">
              <span>Mount</span>
              <input className="mono" value={draft.stream.mount} onChange={(e) => set({ mount: e.target.value })} />
            </label>
          </div>
          <div className="field-row">
            <label className="field small">
              <span>Icecast host</span>
              <input className="mono" value={draft.stream.host} onChange={(e) => set({ host: e.target.value })} />
            </label>
            <label className="field small">
              <span>Port</span>
              <input type="number" min={1} max={65535} value={draft.stream.port} onChange={(e) => set({ port: Number(e.target.value) })} />
            </label>
            <label className="check">
              <input type="checkbox" checked={draft.stream.tls ?? false} onChange={(e) => set({ tls: e.target.checked })} /> TLS
            </label>
            <label className="field small">
              <span>Source user</span>
              <input autoComplete="username" placeholder="source" value={draft.stream.username ?? ''} onChange={(e) => set({ username: e.target.value || undefined })} />
            </label>
            <label className="field small">
              <span>Source password</span>
              <input
                type="password"
                autoComplete="new-password"
                placeholder={draft.isNew ? 'required by Icecast' : 'unchanged (type to replace)'}
                value={draft.password}
                onChange={(e) => setDraft({ ...draft, password: e.target.value })}
              />
            </label>
          </div>
          <div className="field-row">
            <label className="field small">
              <span>Stream name</span>
              <input value={draft.stream.name ?? ''} maxLength={120} onChange={(e) => set({ name: e.target.value || undefined })} />
            </label>
            <label className="field small">
              <span>Genre</span>
              <input value={draft.stream.genre ?? ''} maxLength={60} onChange={(e) => set({ genre: e.target.value || undefined })} />
            </label>
            <label className="check">
              <input type="checkbox" checked={draft.stream.public ?? false} onChange={(e) => set({ public: e.target.checked })} /> List in public
              directories
            </label>
          </div>
          {error && <div className="error-box">{error}</div>}
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              Save stream
            </button>
            <button
              type="button"
              onClick={() => {
                setDraft(null);
                setError(null);
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
