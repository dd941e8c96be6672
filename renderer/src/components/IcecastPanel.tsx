import { useEffect, useState } from 'react';
import type { IcecastTestResult, IcecastView } from '@contract';
import { toContractError } from '../lib/contract-error';
import { count } from '../lib/format';
import { formatTime, serverTime } from '../lib/time';
import { configureIcecast, icecastLog, refreshIcecast, testIcecast } from '../store/actions';
import { useConsole } from '../store/console-store';
import { IcecastMounts } from './IcecastMounts';
import { StreamLinks } from './listen/StreamLinks';

/**
 * The Icecast server as the engine sees it: where it is, whether the console can administer
 * it, the local server the console may run, and every mount. Credentials go in, never out:
 * the engine only says whether an admin password is set.
 */
export function IcecastPanel() {
  const view = useConsole((s) => s.icecast);
  const error = useConsole((s) => s.icecastError);
  const stats = useConsole((s) => s.icecastStats);
  const tz = useConsole((s) => s.timeZone);

  useEffect(() => {
    void refreshIcecast();
  }, []);

  if (!view) {
    return (
      <section className="panel" data-testid="icecast">
        <h3>Icecast</h3>
        <div className={error ? 'error-box' : 'empty small'}>
          {error ? `The engine cannot show Icecast yet: ${error}` : 'Loading…'}
        </div>
      </section>
    );
  }
  const s = stats?.server;
  return (
    <div className="icecast" data-testid="icecast">
      <section className="panel">
        <h3>Icecast server</h3>
        {view.pollError && <div className="error-box">Stats: {view.pollError}</div>}
        {s ? (
          <dl className="kv">
            <dt>Server</dt>
            <dd>
              {s.serverId ?? 'Icecast'}
              {/* Icecast's server id already carries its version ("Icecast 2.4.4"). */}
              {s.version && !(s.serverId ?? '').includes(s.version) ? ` (${s.version})` : ''}
            </dd>
            {s.host && (
              <>
                <dt>Host</dt>
                <dd className="mono">{s.host}</dd>
              </>
            )}
            {s.location && (
              <>
                <dt>Location</dt>
                <dd>{s.location}</dd>
              </>
            )}
            {s.admin && (
              <>
                <dt>Admin</dt>
                <dd>{s.admin}</dd>
              </>
            )}
            {s.startedAt && (
              <>
                <dt>Started</dt>
                <dd>{serverTime(s.startedAt, tz)}</dd>
              </>
            )}
            <dt>Totals</dt>
            <dd>
              {count(s.listeners, 'listener')} · {count(s.sources, 'source')} · {count(s.clients, 'client')}
            </dd>
            <dt>Updated</dt>
            <dd>{formatTime(stats.receivedAt, tz)}</dd>
          </dl>
        ) : (
          <div className="empty small">{view.settings.url ? 'No stats yet.' : 'No Icecast server set: enter its address below, or run a local one.'}</div>
        )}
        <ServerForm view={view} />
      </section>
      <StreamLinks />
      <ManagedIcecast view={view} />
      <IcecastMounts />
    </div>
  );
}

function ServerForm({ view }: { view: IcecastView }) {
  const [url, setUrl] = useState(view.settings.url ?? '');
  const [adminUser, setAdminUser] = useState(view.settings.adminUser);
  const [password, setPassword] = useState('');
  const [poll, setPoll] = useState(view.settings.pollSeconds);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [test, setTest] = useState<IcecastTestResult | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async () => {
    setBusy(true);
    try {
      await configureIcecast({
        url: url.trim() === '' ? null : url.trim(),
        adminUser,
        pollSeconds: poll,
        ...(password ? { adminPassword: password } : {}),
      });
      setPassword('');
      setMessage({ ok: true, text: 'Saved.' });
    } catch (err) {
      const e = toContractError(err);
      setMessage({ ok: false, text: `${e.message}${e.field ? ` (field: ${e.field})` : ''}` });
    } finally {
      setBusy(false);
    }
  };

  const runTest = async () => {
    setBusy(true);
    setTest(null);
    try {
      setTest(await testIcecast());
    } catch (err) {
      setTest({ ok: false, reachable: false, authenticated: null, serverId: null, version: null, mounts: null, listeners: null, roundTripMs: null, message: toContractError(err).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="server-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className="field-row">
        <label className="field">
          <span>Server URL</span>
          <input className="mono" placeholder="http://127.0.0.1:8000" value={url} onChange={(e) => setUrl(e.target.value)} />
        </label>
        <label className="field small">
          <span>Admin user</span>
          <input autoComplete="username" value={adminUser} onChange={(e) => setAdminUser(e.target.value)} />
        </label>
        <label className="field small">
          <span>Admin password</span>
          <input
            type="password"
            autoComplete="new-password"
            placeholder={view.hasAdminPassword ? 'set (type to replace)' : 'not set'}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <label className="field small">
          <span>Poll every</span>
          <span className="with-unit">
            <input type="number" min={0.5} max={60} step={0.5} value={poll} onChange={(e) => setPoll(Number(e.target.value))} />s
          </span>
        </label>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          Save
        </button>
        <button type="button" disabled={busy} onClick={() => void runTest()} data-testid="icecast-test">
          Test connection
        </button>
        {message && <span className={message.ok ? 'ok-text' : 'error-text'}>{message.text}</span>}
      </div>
      {test && (
        <div className={test.ok ? 'ok-box' : 'error-box'} data-testid="icecast-test-result">
          {test.message}
          <div className="small">
            reachable: {test.reachable ? 'yes' : 'no'} · admin login: {test.authenticated === null ? 'not tried' : test.authenticated ? 'ok' : 'refused'}
            {test.version ? ` · ${test.version}` : ''}
            {test.roundTripMs !== null ? ` · ${Math.round(test.roundTripMs)} ms` : ''}
          </div>
        </div>
      )}
    </form>
  );
}

function ManagedIcecast({ view }: { view: IcecastView }) {
  const m = view.managed;
  const [port, setPort] = useState(view.settings.managed.port);
  const [log, setLog] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const setEnabled = async (enabled: boolean) => {
    try {
      await configureIcecast({ managed: { enabled, port } });
      setError(null);
    } catch (err) {
      setError(toContractError(err).message);
    }
  };
  const loadLog = async () => {
    try {
      setLog(await icecastLog());
    } catch (err) {
      setError(toContractError(err).message);
    }
  };

  return (
    <section className="panel" data-testid="icecast-managed">
      <div className="panel-head">
        <h3>Local Icecast</h3>
        <span className={`pill managed-${m.state}`}>{m.state}</span>
      </div>
      {!m.installed ? (
        <div className="muted">
          Debian's icecast2 is not installed. Install it with <span className="mono">sudo apt-get install icecast2</span>, then enable
          it here to let the console run and supervise its own server.
        </div>
      ) : (
        <>
          <div className="field-row">
            <label className="check">
              <input type="checkbox" checked={view.settings.managed.enabled} onChange={(e) => void setEnabled(e.target.checked)} /> Run a local
              Icecast managed by the console
            </label>
            <label className="with-unit">
              port <input type="number" min={1024} max={65535} value={port} onChange={(e) => setPort(Number(e.target.value))} />
            </label>
          </div>
          <dl className="kv">
            {m.url && (
              <>
                <dt>Address</dt>
                <dd className="mono">{m.url}</dd>
              </>
            )}
            {m.pid !== null && (
              <>
                <dt>Process</dt>
                <dd>
                  pid {m.pid}
                  {m.restarts > 0 ? `, restarted ${m.restarts} times` : ''}
                </dd>
              </>
            )}
          </dl>
          {m.lastError && <div className="error-box">{m.lastError}</div>}
          <button type="button" className="small" onClick={() => void loadLog()}>
            {log === null ? 'Show log' : 'Refresh log'}
          </button>
          {log !== null && <pre className="log-view">{log || '(empty)'}</pre>}
        </>
      )}
      {error && <div className="error-box">{error}</div>}
    </section>
  );
}
