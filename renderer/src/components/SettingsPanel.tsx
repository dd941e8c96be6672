import { useCallback, useEffect, useMemo, useState, type InputHTMLAttributes, type ReactNode } from 'react';
import type { ChimeMode, ChimeSettings, Settings } from '@contract';
import { playTestChime } from '../alerting/chime-controller';
import { toContractError } from '../lib/contract-error';
import { formatTime, knownTimeZones, systemTimeZone } from '../lib/time';
import { loadSettings, saveSettings } from '../store/actions';
import { useConsole } from '../store/console-store';
import { LocationPicker } from './LocationPicker';
import { NotificationSetting } from './NotificationSetting';
import { RetentionPanel } from './RetentionPanel';
import { SourcePicker } from './SourcePicker';
import { StreamEditor } from './StreamEditor';
import { archiveShrinkWarning } from './archive-shrink';
import { ConfirmBar, type PendingAction } from './ConfirmBar';
import {
  ARCHIVE_BITRATES,
  engineFieldKey,
  FAILOVER_FIELDS,
  fieldLabel,
  fromDraft,
  originatorOptions,
  sourceRow,
  toDraft,
  type ArchiveDraft,
  type Draft,
  type FieldErrors,
  type SourceRow,
} from './settings-draft';

const CHIME_ROWS: Array<{ key: keyof ChimeSettings; label: string }> = [
  { key: 'warning', label: 'Warnings and emergencies' },
  { key: 'watch', label: 'Watches' },
  { key: 'advisory', label: 'Advisories and statements' },
  { key: 'test', label: 'Tests' },
];
const CHIME_MODES: Array<{ value: ChimeMode; label: string }> = [
  { value: 'repeat', label: 'repeat until acknowledged' },
  { value: 'once', label: 'once' },
  { value: 'off', label: 'off' },
];
const ORIGINATOR_NAMES: Record<string, string> = {
  PEP: 'PEP national (Primary Entry Point)',
  CIV: 'CIV civil authorities',
  WXR: 'WXR National Weather Service',
  EAS: 'EAS broadcast stations',
  EAN: 'EAN Emergency Action Notification network',
};

/**
 * Everything the station sets: name, time zone, failover, sources, which alerts concern it,
 * how they sound, how long they are kept, and its streams. Each field is checked as it is
 * typed, every invalid one is named at once in words, and Revert puts back what is saved.
 */
export function SettingsPanel() {
  const [saved, setSaved] = useState<Settings | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [engineError, setEngineError] = useState<{ message: string; key: string | null } | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirm, setConfirm] = useState<PendingAction | null>(null);
  const mode = useConsole((s) => s.app?.mode ?? null);

  const reload = useCallback(async () => {
    try {
      const s = await loadSettings();
      setSaved(s);
      setDraft(toDraft(s));
      setEngineError(null);
    } catch (err) {
      setLoadError(toContractError(err).message);
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  const savedPatch = useMemo(() => (saved ? JSON.stringify(fromDraft(toDraft(saved), saved).patch) : ''), [saved]);
  const zones = useMemo(() => knownTimeZones(), []);

  if (!draft || !saved) {
    return (
      <section className="panel" data-testid="settings">
        <h3>Settings</h3>
        {loadError ? <div className="error-box">Could not load settings: {loadError}</div> : <div className="empty small">Loading…</div>}
      </section>
    );
  }

  const { patch, errors: own } = fromDraft(draft, saved);
  const errors: FieldErrors = { ...own };
  const engineKey = engineError?.key ?? null;
  if (engineError && engineKey && !errors[engineKey]) errors[engineKey] = engineError.message;
  const errorKeys = Object.keys(errors);
  const dirty = JSON.stringify(patch) !== savedPatch;

  const edit = (next: Partial<Draft>) => {
    setDraft({ ...draft, ...next });
    setStatus(null);
  };
  const setSource = (key: number, p: Partial<SourceRow['source']>) =>
    edit({ rows: draft.rows.map((r) => (r.key === key ? { key, source: { ...r.source, ...p } } : r)) });
  const setArchive = (p: Partial<ArchiveDraft>) => edit({ archive: { ...draft.archive, ...p } });

  const save = async () => {
    setBusy(true);
    setStatus(null);
    try {
      const next = await saveSettings(patch);
      setSaved(next);
      setDraft(toDraft(next));
      setEngineError(null);
      setStatus('Saved.');
    } catch (err) {
      const e = toContractError(err);
      setEngineError({ message: e.message, key: e.field ? engineFieldKey(e.field, draft) : null });
    } finally {
      setBusy(false);
    }
  };

  const revert = () => {
    setDraft(toDraft(saved));
    setEngineError(null);
    setStatus(null);
  };

  /** The message under a field, and the marking of its input. */
  const problem = (key: string) =>
    errors[key] ? (
      <div className="field-error" data-testid={`error-${key}`}>
        {errors[key]}
      </div>
    ) : null;
  const invalid = (key: string) => (errors[key] ? { 'aria-invalid': true as const } : {});

  return (
    <section className="panel settings" data-testid="settings">
      <div className="panel-head settings-head">
        <h3>Settings</h3>
        <div className="actions">
          {status && !dirty && <span className="ok-text">{status}</span>}
          <button type="button" data-testid="settings-revert" disabled={(!dirty && !engineError) || busy} onClick={revert}>
            Revert
          </button>
          <button
            type="button"
            className="primary"
            data-testid="settings-save"
            disabled={!dirty || busy || Object.keys(own).length > 0}
            onClick={() => {
              const warning = saved ? archiveShrinkWarning(saved, patch) : null;
              if (warning) setConfirm({ text: warning, run: save });
              else void save();
            }}
          >
            Save
          </button>
        </div>
      </div>
      <ConfirmBar action={confirm} onDone={() => setConfirm(null)} />
      {errorKeys.length > 0 && (
        <div className="error-box" data-testid="settings-errors" data-count={errorKeys.length}>
          <strong>
            {errorKeys.length === 1 ? 'One field needs' : `${errorKeys.length} fields need`} fixing before the settings can be saved:
          </strong>
          <ul>
            {errorKeys.map((k) => {
              const label = fieldLabel(k, draft);
              const message = errors[k]!;
              return (
                <li key={k}>
                  {message.startsWith(label) ? (
                    <>
                      <strong>{label}</strong>
                      {message.slice(label.length)}
                    </>
                  ) : (
                    <>
                      <strong>{label}</strong>: {message}
                    </>
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      )}
      {engineError && !engineKey && <div className="error-box">{engineError.message}</div>}

      <h4>Station</h4>
      <div className="field-row">
        <label className="field">
          <span>Station name</span>
          <input value={draft.stationName} maxLength={80} {...invalid('stationName')} onChange={(e) => edit({ stationName: e.target.value })} />
          {problem('stationName')}
        </label>
        <label className="field">
          <span>Time zone for every time shown</span>
          <input
            list="time-zones"
            data-testid="setting-time-zone"
            value={draft.timeZone}
            placeholder={`this computer's: ${systemTimeZone()}`}
            {...invalid('timeZone')}
            onChange={(e) => edit({ timeZone: e.target.value })}
          />
          <datalist id="time-zones">
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
          {problem('timeZone') ?? (
            <span className="muted small">Now: {formatTime(Date.now(), draft.timeZone.trim() && !errors.timeZone ? draft.timeZone.trim() : systemTimeZone())}</span>
          )}
        </label>
      </div>
      <label className="check">
        <input type="checkbox" data-testid="setting-start-at-login" checked={draft.startAtLogin} onChange={(e) => edit({ startAtLogin: e.target.checked })} />
        Start at login
      </label>
      <div className="muted small field-note">
        The desktop app then starts hidden in the tray when you log in (an entry in ~/.config/autostart).
        {mode === 'serve' && ' This console runs in serve mode, which ignores it: start serve with the systemd user service instead.'}
      </div>

      <h4>Failover</h4>
      <div className="field-row">
        {FAILOVER_FIELDS.map((f) => (
          <UnitField
            key={f.key}
            label={f.label}
            unit={f.unit}
            value={draft.failover[f.key]}
            {...invalid(`failover.${f.key}`)}
            problem={problem(`failover.${f.key}`)}
            onChange={(e) => edit({ failover: { ...draft.failover, [f.key]: e.target.value } })}
          />
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
            <th title="Record this source into the continuous archive">Archive</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {draft.rows.map(({ key, source: s }) => (
            <tr key={key}>
              <td>
                <input type="checkbox" checked={s.enabled} onChange={(e) => setSource(key, { enabled: e.target.checked })} aria-label="enabled" />
              </td>
              <td>
                <input className="mono" value={s.id} {...invalid(`sources.${key}.id`)} onChange={(e) => setSource(key, { id: e.target.value })} size={10} />
                {problem(`sources.${key}.id`)}
              </td>
              <td>
                <input value={s.name} {...invalid(`sources.${key}.name`)} onChange={(e) => setSource(key, { name: e.target.value })} />
                {problem(`sources.${key}.name`)}
              </td>
              <td>
                <input className="mono wide" value={s.uri} {...invalid(`sources.${key}.uri`)} onChange={(e) => setSource(key, { uri: e.target.value })} />
                <SourcePicker onPick={(uri) => setSource(key, { uri })} />
                {problem(`sources.${key}.uri`)}
              </td>
              <td>
                <input type="number" value={s.priority} min={0} max={1000} {...invalid(`sources.${key}.priority`)} onChange={(e) => setSource(key, { priority: e.target.value })} />
                {problem(`sources.${key}.priority`)}
              </td>
              <td>
                <input
                  type="checkbox"
                  data-testid={`setting-source-archive-${s.id}`}
                  checked={s.archive !== false}
                  disabled={!draft.archive.enabled}
                  title={draft.archive.enabled ? 'Record into the archive' : 'The archive is off for every source (below)'}
                  aria-label="record into the archive"
                  // Unticked is stored as false; ticked as absent, the default, so ticking it back is no change.
                  onChange={(e) => setSource(key, { archive: e.target.checked ? undefined : false })}
                />
              </td>
              <td>
                <button type="button" onClick={() => edit({ rows: draft.rows.filter((r) => r.key !== key) })}>
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
          edit({
            rows: [
              ...draft.rows,
              sourceRow({ id: `source-${draft.rows.length + 1}`, name: `Source ${draft.rows.length + 1}`, uri: 'demo:', priority: draft.rows.length * 10, enabled: true }),
            ],
          })
        }
      >
        Add source
      </button>

      <h4>Alerts for this station</h4>
      <p className="muted small">
        Every alert is kept and shown; only those that pass these filters raise the banner, the chime and notifications.
        National activations (EAN, EAT) always do.
      </p>
      <div className="field wide-field">
        <span>Locations of interest</span>
        <LocationPicker codes={draft.locations} onChange={(locations) => edit({ locations })} error={errors['alerts.locations']} />
        {problem('alerts.locations')}
      </div>
      <div className="field-row">
        <label className="field">
          <span>Only these events (empty: all)</span>
          <input className="mono" data-testid="setting-allow-events" value={draft.allowEvents} placeholder="TOR, SVR, FFW" {...invalid('alerts.allowEvents')} onChange={(e) => edit({ allowEvents: e.target.value })} />
          {problem('alerts.allowEvents')}
        </label>
        <label className="field">
          <span>Never these events</span>
          <input className="mono" data-testid="setting-deny-events" value={draft.denyEvents} placeholder="DMO, NPT" {...invalid('alerts.denyEvents')} onChange={(e) => edit({ denyEvents: e.target.value })} />
          {problem('alerts.denyEvents')}
        </label>
      </div>
      <fieldset className="field-group">
        <legend>Originators (none ticked: all)</legend>
        {originatorOptions().map((o) => (
          <label key={o} className="check">
            <input
              type="checkbox"
              checked={draft.originators.includes(o)}
              onChange={(e) => edit({ originators: e.target.checked ? [...draft.originators, o] : draft.originators.filter((x) => x !== o) })}
            />
            {ORIGINATOR_NAMES[o] ?? o}
          </label>
        ))}
      </fieldset>
      <label className="check">
        <input type="checkbox" data-testid="setting-ignore-tests" checked={draft.ignoreTests} onChange={(e) => edit({ ignoreTests: e.target.checked })} />
        Ignore tests (required weekly and monthly tests, demonstrations: RWT, RMT, DMO)
      </label>

      <h4>Chime and notifications</h4>
      <table className="events chime-table">
        <tbody>
          {CHIME_ROWS.map((r) => (
            <tr key={r.key}>
              <td>{r.label}</td>
              <td>
                <select
                  data-testid={`setting-chime-${r.key}`}
                  value={draft.chime[r.key]}
                  onChange={(e) => edit({ chime: { ...draft.chime, [r.key]: e.target.value as ChimeMode } })}
                >
                  {CHIME_MODES.map((m) => (
                    <option key={m.value} value={m.value}>
                      {m.label}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <button type="button" className="small" onClick={() => playTestChime(r.key)} title="Play this chime once">
                  Test
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <label className="check">
        <input type="checkbox" checked={draft.notify} onChange={(e) => edit({ notify: e.target.checked })} />
        Notify for alerts for this station (desktop notifications in the app, browser notifications here)
      </label>
      <NotificationSetting />

      <h4>Keeping alerts</h4>
      <div className="field-row">
        <UnitField
          label="Keep alerts for"
          unit="days"
          data-testid="setting-max-age"
          value={draft.maxAgeDays}
          placeholder="forever"
          {...invalid('alerts.retention.maxAgeDays')}
          problem={problem('alerts.retention.maxAgeDays')}
          onChange={(e) => edit({ maxAgeDays: e.target.value })}
        />
        <UnitField
          label="Recordings up to"
          unit="MB"
          data-testid="setting-max-recordings"
          value={draft.maxRecordingsMb}
          placeholder="no limit"
          {...invalid('alerts.retention.maxRecordingsMb')}
          problem={problem('alerts.retention.maxRecordingsMb')}
          onChange={(e) => edit({ maxRecordingsMb: e.target.value })}
        />
      </div>
      <p className="muted small">
        Applied daily: older alerts are deleted with their recordings, then the oldest recordings until the total fits.
        Active alerts and unacknowledged alerts for this station are never deleted.
      </p>
      <RetentionPanel />

      <h4>Archive</h4>
      <p className="muted small">
        Every source ticked “Archive” above is recorded around the clock (Opus, about a minute a file) for the time-shift
        player and exports. The oldest audio goes first when either limit is reached; audio holding an alert of the last 90
        days is kept. Changes apply at once, without a restart.
      </p>
      <label className="check">
        <input type="checkbox" data-testid="setting-archive-enabled" checked={draft.archive.enabled} onChange={(e) => setArchive({ enabled: e.target.checked })} />
        Record sources into the archive
      </label>
      <div className="field-row">
        <label className="field small">
          <span>Bit rate</span>
          <span className="with-unit">
            <select
              data-testid="setting-archive-bitrate"
              value={draft.archive.bitrateKbps}
              disabled={!draft.archive.enabled}
              {...invalid('archive.bitrateKbps')}
              onChange={(e) => setArchive({ bitrateKbps: e.target.value })}
            >
              {ARCHIVE_BITRATES.map((b) => (
                <option key={b} value={String(b)}>
                  {b}
                </option>
              ))}
            </select>
            kbit/s
          </span>
          <span className="muted small">≈ {Math.round((Number(draft.archive.bitrateKbps) * 1000 * 86400) / 8 / 1048576)} MB per source-day</span>
          {problem('archive.bitrateKbps')}
        </label>
        <UnitField
          label="Keep the archive for"
          unit="days"
          data-testid="setting-archive-days"
          min={0.01}
          max={3650}
          step="any"
          value={draft.archive.maxAgeDays}
          {...invalid('archive.maxAgeDays')}
          problem={problem('archive.maxAgeDays')}
          onChange={(e) => setArchive({ maxAgeDays: e.target.value })}
        />
        <UnitField
          label="Archive up to"
          unit="GB"
          data-testid="setting-archive-size"
          min={0.001}
          step="any"
          value={draft.archive.maxTotalGb}
          {...invalid('archive.maxTotalMB')}
          problem={problem('archive.maxTotalMB')}
          onChange={(e) => setArchive({ maxTotalGb: e.target.value })}
        />
        <label className="field">
          <span>Archive directory</span>
          <input className="mono" data-testid="setting-archive-dir" value={draft.archive.dir} placeholder="the data directory's archive/" {...invalid('archive.dir')} onChange={(e) => setArchive({ dir: e.target.value })} />
          {problem('archive.dir')}
        </label>
      </div>

      <h4>Streams</h4>
      <StreamEditor streams={saved.streams} sources={saved.sources} onChanged={() => void reload()} />
    </section>
  );
}

/** A number input with its unit after it and its problem, if any, under it. */
function UnitField({ label, unit, problem, ...input }: { label: string; unit: string; problem: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <label className="field small">
      <span>{label}</span>
      <span className="with-unit">
        <input type="number" {...input} />
        {unit}
      </span>
      {problem}
    </label>
  );
}
