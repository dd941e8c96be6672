import { useCallback, useEffect, useState } from 'react';
import type { Alert } from '@contract';
import { useApi } from '../api/context';
import { toContractError } from '../api/validated-api';
import { dateClock } from '../lib/format';
import { AlertAudio } from './AlertAudio';
import { areas, categoryClass } from './AlertBanner';

const PAGE = 100;

/** Every alert the engine stored, newest first, paged with alerts.list's beforeId. */
export function AlertHistory() {
  const api = useApi();
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [more, setMore] = useState(true);

  const load = useCallback(
    async (beforeId?: string) => {
      setLoading(true);
      try {
        const page = await api.call('alerts.list', beforeId ? { limit: PAGE, beforeId } : { limit: PAGE });
        setAlerts((prev) => (beforeId ? [...prev, ...page] : page));
        setMore(page.length === PAGE);
        setError(null);
      } catch (err) {
        setError(toContractError(err).message);
      } finally {
        setLoading(false);
      }
    },
    [api],
  );

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className="panel" data-testid="alert-history">
      <div className="panel-head">
        <h3>Alert history</h3>
        <button type="button" onClick={() => void load()} disabled={loading}>
          Refresh
        </button>
      </div>
      {error && <div className="error-box">Could not load alerts: {error}</div>}
      {alerts.length === 0 && !error ? (
        <div className="empty small">{loading ? 'Loading…' : 'No alerts received yet.'}</div>
      ) : (
        <div className="table-scroll">
          <table className="events">
            <thead>
              <tr>
                <th>Received</th>
                <th>Event</th>
                <th>Areas</th>
                <th>Expires</th>
                <th>Header</th>
                <th>Recording</th>
              </tr>
            </thead>
            <tbody>
              {alerts.map((a) => (
                <tr key={a.id}>
                  <td className="nowrap">{dateClock(a.receivedAt)}</td>
                  <td>
                    <span className={`pill ${categoryClass(a.category)}`}>{a.category}</span> {a.eventName}
                    {a.active && <span className="badge active-badge">ACTIVE</span>}
                  </td>
                  <td>{areas(a)}</td>
                  <td className="nowrap">{dateClock(a.expiresAt)}</td>
                  <td className="mono raw">{a.raw}</td>
                  <td>{a.recording ? <AlertAudio alertId={a.id} recording={a.recording} /> : <span className="muted small">none</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {more && alerts.length > 0 && (
        <button type="button" onClick={() => void load(alerts[alerts.length - 1]!.id)} disabled={loading}>
          Load older
        </button>
      )}
    </section>
  );
}
