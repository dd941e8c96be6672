import './listen.css';
import { useState } from 'react';
import {
  RENDITION_PRESETS,
  presetById,
  presetSummary,
  renditionBaseFromListenUrl,
  renditionFromPreset,
  type RenditionBase,
  type RenditionPreset,
  type StreamConfig,
  type StreamStatus,
} from '@contract';
import { toContractError } from '../../lib/contract-error';
import { configureStream, loadSettings } from '../../store/actions';
import { useConsole } from '../../store/console-store';

/**
 * A preset the source already streams is not offered twice: same format, and a bitrate within
 * 10 % (a live stream's bitrate is measured, so 128 reads 126 now and then).
 */
function alreadyHas(p: RenditionPreset, streams: ReadonlyArray<{ format: string | null; bitrateKbps: number | null }>): boolean {
  return streams.some((s) => s.format === p.format && s.bitrateKbps !== null && Math.abs(s.bitrateKbps - p.bitrateKbps) <= 0.1 * p.bitrateKbps);
}

/**
 * Where the new rendition goes: a saved stream of the source (its server, user and names), else
 * the server in a run-only stream's listen URL.
 */
async function baseFor(sourceId: string, statuses: readonly StreamStatus[]): Promise<{ base: RenditionBase; saved: StreamConfig[] } | null> {
  const saved = (await loadSettings()).streams;
  const enabled = statuses.some((s) => s.sourceId === sourceId && s.enabled);
  const mine = saved.filter((c) => c.sourceId === sourceId);
  // The first rendition the tile shows is the one the others were named after.
  const first = statuses.map((s) => mine.find((c) => c.id === s.streamId)).find((c) => c) ?? mine[0];
  if (first) return { base: { ...first, enabled }, saved };
  const run = statuses.find((s) => s.sourceId === sourceId && s.listenUrl);
  const base = run?.listenUrl ? renditionBaseFromListenUrl(sourceId, run.listenUrl, enabled) : null;
  return base ? { base, saved } : null;
}

/**
 * One step from a use to a running rendition: a preset (voice, music, high quality, low
 * bandwidth) becomes a stream on the same server as the source's others, its mount named after
 * theirs (/station-voice.mp3). The engine reuses the source password another of our streams has
 * on that server (or the managed server's); it is asked for only when the engine has none.
 */
export function AddRendition({ sourceId, streams, onAdded }: { sourceId: string; streams: StreamStatus[]; onAdded?(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [needPassword, setNeedPassword] = useState<{ config: StreamConfig; presetId: string } | null>(null);
  const [password, setPassword] = useState('');
  const [added, setAdded] = useState<string | null>(null);
  /** Presets added from here: a new stream has no measured bitrate for alreadyHas to see yet. */
  const [addedPresets, setAddedPresets] = useState<ReadonlyMap<string, string>>(new Map());
  const mine = streams.filter((s) => s.sourceId === sourceId && s.state !== 'unconfigured');
  if (mine.length === 0) return null;

  const save = async (config: StreamConfig, pw: string, presetId: string) => {
    setBusy(true);
    setError(null);
    try {
      await configureStream(config, pw);
      setNeedPassword(null);
      setPassword('');
      setAdded(`Added ${config.mount}.`);
      setAddedPresets((prev) => new Map([...prev, [presetId, config.id]]));
      onAdded?.();
    } catch (err) {
      const e = toContractError(err);
      if (e.field === 'password' && !pw) setNeedPassword({ config, presetId });
      else setError(e.message);
    } finally {
      setBusy(false);
    }
  };

  const add = async (presetId: string) => {
    const preset = presetById(presetId);
    if (!preset) return;
    setAdded(null);
    setError(null);
    try {
      const found = await baseFor(sourceId, useConsole.getState().streams);
      if (!found) {
        setError('No stream of this source to copy the server from: add one in Settings first.');
        return;
      }
      const all = useConsole.getState().streams;
      const config = renditionFromPreset(preset, found.base, {
        ids: [...found.saved.map((c) => c.id), ...all.map((s) => s.streamId)],
        mounts: [...found.saved.map((c) => c.mount), ...all.flatMap((s) => (s.mount ? [s.mount] : []))],
      });
      await save(config, '', preset.id);
    } catch (err) {
      setError(toContractError(err).message);
    }
  };

  return (
    <div className="add-rendition" data-testid={`add-rendition-${sourceId}`}>
      <select
        value=""
        disabled={busy || needPassword !== null}
        aria-label="Add a rendition"
        data-testid={`add-rendition-select-${sourceId}`}
        onChange={(e) => void add(e.currentTarget.value)}
      >
        <option value="">{busy ? 'Adding…' : 'Add rendition…'}</option>
        {RENDITION_PRESETS.map((p) => (
          <option key={p.id} value={p.id} disabled={mine.some((s) => s.streamId === addedPresets.get(p.id)) || alreadyHas(p, mine)}>
            {p.label}: {presetSummary(p)} ({p.use})
          </option>
        ))}
      </select>
      {needPassword && (
        <form
          className="add-rendition-password"
          onSubmit={(e) => {
            e.preventDefault();
            if (password) void save(needPassword.config, password, needPassword.presetId);
          }}
        >
          <label>
            Source password for {needPassword.config.host}:{needPassword.config.port}{' '}
            <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
          </label>
          <button type="submit" className="small" disabled={busy || !password}>
            Add {needPassword.config.mount}
          </button>
          <button type="button" className="small" onClick={() => setNeedPassword(null)}>
            Cancel
          </button>
        </form>
      )}
      {added && <span className="muted small">{added}</span>}
      {error && <div className="error-text">{error}</div>}
    </div>
  );
}
