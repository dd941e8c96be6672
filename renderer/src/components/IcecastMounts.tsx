import { useCallback, useEffect, useState } from 'react';
import type { IcecastAction, IcecastListener, IcecastMount } from '@contract';
import { toContractError } from '../lib/contract-error';
import { bytes, duration } from '../lib/format';
import { serverTime } from '../lib/time';
import { icecastAction, icecastListeners } from '../store/actions';
import { useConsole } from '../store/console-store';
import { ConfirmBar, type PendingAction } from './ConfirmBar';

/** What Icecast 2.4 reports for a source that sent no ice-name: noise, not a name. */
const ICECAST_NO_NAME = 'Unspecified name';

type Outcome = { ok: boolean; message: string } | null;

/** Every mount on the server (ours marked), its listeners, and the admin actions, each confirmed. */
export function IcecastMounts() {
  const stats = useConsole((s) => s.icecastStats);
  const [open, setOpen] = useState<string | null>(null);
  const [pending, setPending] = useState<PendingAction | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [edit, setEdit] = useState<{ mount: string; kind: 'metadata' | 'move'; value: string } | null>(null);
  const [listenersVersion, setListenersVersion] = useState(0);
  // Icecast drops a kicked client on its next pass, so a list read right after the kick may
  // still show it. Client ids are never reused while the server runs: hide kicked ones.
  const [kicked, setKicked] = useState<ReadonlySet<string>>(() => new Set());

  const act = (text: string, action: IcecastAction) =>
    setPending({
      text,
      run: async () => {
        try {
          const r = await icecastAction(action);
          setOutcome(r);
          if (r.ok && action.action === 'kick') setKicked((k) => new Set(k).add(`${action.mount}#${action.clientId}`));
        } catch (err) {
          setOutcome({ ok: false, message: toContractError(err).message });
        }
        setListenersVersion((v) => v + 1);
      },
    });

  if (!stats) return null;
  const admin = stats.via === 'admin';
  const mounts = [...stats.mounts].sort((a, b) => Number(b.ours) - Number(a.ours) || a.mount.localeCompare(b.mount));

  return (
    <section className="panel" data-testid="icecast-mounts">
      <h3>Mounts ({mounts.length})</h3>
      {!admin && (
        <div className="muted small">
          Read from the public status page: set the admin password above to see listeners and use the actions.
        </div>
      )}
      <ConfirmBar action={pending} onDone={() => setPending(null)} />
      {outcome && <div className={outcome.ok ? 'ok-box' : 'error-box'}>{outcome.message}</div>}
      {edit && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (edit.kind === 'metadata') act(`Set the title of ${edit.mount} to "${edit.value}"`, { action: 'metadata', mount: edit.mount, title: edit.value });
            else act(`Move every listener of ${edit.mount} to ${edit.value}`, { action: 'move', from: edit.mount, to: edit.value });
            setEdit(null);
          }}
        >
          {edit.kind === 'metadata' ? (
            <label>
              New title for <span className="mono">{edit.mount}</span>{' '}
              <input autoFocus value={edit.value} maxLength={255} onChange={(e) => setEdit({ ...edit, value: e.target.value })} />
            </label>
          ) : (
            <label>
              Move listeners of <span className="mono">{edit.mount}</span> to{' '}
              <select value={edit.value} onChange={(e) => setEdit({ ...edit, value: e.target.value })}>
                {mounts
                  .filter((m) => m.mount !== edit.mount)
                  .map((m) => (
                    <option key={m.mount} value={m.mount}>
                      {m.mount}
                    </option>
                  ))}
              </select>
              <span className="muted small"> (same format only: Icecast moves nobody across formats)</span>
            </label>
          )}
          <button type="submit" className="primary" disabled={!edit.value}>
            Continue…
          </button>
          <button type="button" onClick={() => setEdit(null)}>
            Cancel
          </button>
        </form>
      )}
      {mounts.length === 0 ? (
        <div className="empty small">No mounts on this server right now.</div>
      ) : (
        <table className="events">
          <thead>
            <tr>
              <th>Mount</th>
              <th>Listeners</th>
              <th>Format</th>
              <th>Now playing</th>
              <th>Source</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {mounts.map((m) => (
              <MountRows
                key={m.mount}
                m={m}
                admin={admin}
                open={open === m.mount}
                onToggle={() => setOpen(open === m.mount ? null : m.mount)}
                onTitle={() => setEdit({ mount: m.mount, kind: 'metadata', value: m.title ?? '' })}
                onMove={() => setEdit({ mount: m.mount, kind: 'move', value: mounts.find((x) => x.mount !== m.mount)?.mount ?? '' })}
                onKill={() => act(`Disconnect the source feeding ${m.mount}${m.ours ? ' (one of OUR streams: it will reconnect)' : ''}`, { action: 'killSource', mount: m.mount })}
                onKick={(l) => act(`Kick listener ${l.id} (${l.ip}) from ${m.mount}`, { action: 'kick', mount: m.mount, clientId: l.id })}
                listenersVersion={listenersVersion}
                kicked={kicked}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function MountRows(props: {
  m: IcecastMount;
  admin: boolean;
  open: boolean;
  onToggle(): void;
  onTitle(): void;
  onMove(): void;
  onKill(): void;
  onKick(l: IcecastListener): void;
  listenersVersion: number;
  kicked: ReadonlySet<string>;
}) {
  const { m, admin } = props;
  const tz = useConsole((s) => s.timeZone);
  return (
    <>
      <tr data-testid={`mount-${m.mount}`}>
        <td>
          <span className="mono">{m.mount}</span> {m.ours && <span className="badge program-badge">OURS</span>}
          {m.name && m.name !== ICECAST_NO_NAME && <div className="muted small">{m.name}</div>}
        </td>
        <td className="nowrap">
          <strong>{m.listeners}</strong>
          {m.peakListeners !== null && <span className="muted"> (peak {m.peakListeners})</span>}
          {m.slowListeners ? <div className="warn-text small">{m.slowListeners} slow</div> : null}
        </td>
        <td className="nowrap">
          {m.subtype ?? m.contentType ?? '—'}
          {m.bitrate !== null && <span className="muted"> {m.bitrate} kbit/s</span>}
        </td>
        <td>{m.title ?? <span className="muted">—</span>}</td>
        <td className="small">
          {m.sourceIp ?? '—'}
          {m.streamStart && <div className="muted">since {serverTime(m.streamStart, tz)}</div>}
          {m.bytesSent !== null && <div className="muted">{bytes(m.bytesSent)} sent</div>}
        </td>
        <td className="actions-cell">
          {admin && (
            <>
              <button type="button" className="small" onClick={props.onToggle} aria-expanded={props.open}>
                {props.open ? 'Hide listeners' : 'Listeners'}
              </button>
              <button type="button" className="small" onClick={props.onTitle}>
                Title…
              </button>
              <button type="button" className="small" onClick={props.onMove}>
                Move…
              </button>
              <button type="button" className="small danger" onClick={props.onKill}>
                Kill source
              </button>
            </>
          )}
        </td>
      </tr>
      {props.open && (
        <tr className="sub-row">
          <td colSpan={6}>
            <Listeners mount={m.mount} onKick={props.onKick} version={props.listenersVersion} kicked={props.kicked} />
          </td>
        </tr>
      )}
    </>
  );
}

function Listeners(props: { mount: string; onKick(l: IcecastListener): void; version: number; kicked: ReadonlySet<string> }) {
  const { mount, onKick, version, kicked } = props;
  const [loaded, setLoaded] = useState<IcecastListener[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setLoaded(await icecastListeners(mount));
      setError(null);
    } catch (err) {
      setError(toContractError(err).message);
    }
  }, [mount]);
  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), 5000);
    return () => clearInterval(t);
  }, [load, version]);

  if (error) return <div className="error-box">Could not list listeners: {error}</div>;
  if (!loaded) return <div className="muted small">Loading listeners…</div>;
  const list = loaded.filter((l) => !kicked.has(`${mount}#${l.id}`));
  if (list.length === 0) return <div className="muted small">No listeners on {mount}.</div>;
  return (
    <table className="events listeners" data-testid={`listeners-${mount}`}>
      <thead>
        <tr>
          <th>Id</th>
          <th>Address</th>
          <th>Player</th>
          <th>Connected</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {list.map((l) => (
          <tr key={l.id}>
            <td className="mono">{l.id}</td>
            <td className="mono">{l.ip}</td>
            <td className="small">{l.userAgent ?? '—'}</td>
            <td className="nowrap">{duration(l.connectedSeconds)}</td>
            <td>
              <button type="button" className="small danger" onClick={() => onKick(l)}>
                Kick
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
