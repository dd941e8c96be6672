import { useEffect, useRef, useState } from 'react';
import type { Alert, HistoryFilter } from '@contract';
import { areas, categoryClass, isActiveAt, sourceIds } from '../lib/alerts';
import { formatTime } from '../lib/time';
import { alertExportUrl, loadOlderHistory, openDetail, queryHistory } from '../store/actions';
import { useConsole } from '../store/console-store';
import { AlertDetailView } from './AlertDetail';
import { emptyForm, toFilter, type FilterForm } from './history-filter';

// Kept across tab switches: coming back to the history finds the same query.
let savedForm: FilterForm = emptyForm();

/**
 * Every stored alert, newest first: filters and text search run in the engine (alerts.history),
 * rows change live (alerts.updated), the export downloads the same filtered set, and a row opens
 * the detail view with every reception and its recording.
 */
export function AlertHistory() {
  const history = useConsole((s) => s.history);
  const tz = useConsole((s) => s.timeZone);
  const [form, setForm] = useState<FilterForm>(savedForm);
  const parsed = toFilter(form, tz);
  const key = parsed.ok ? JSON.stringify(parsed.filter) : null;
  const first = useRef(true);

  useEffect(() => {
    savedForm = form;
  }, [form]);

  useEffect(() => {
    if (!parsed.ok) return;
    // Typing in the search box should not send a query per key.
    const delay = first.current ? 0 : 300;
    first.current = false;
    const t = setTimeout(() => void queryHistory(parsed.filter), delay);
    return () => clearTimeout(t);
    // The filter's JSON is the dependency: a new object with the same content is the same query.
  }, [key]);

  const set = (patch: Partial<FilterForm>) => setForm({ ...form, ...patch });
  const filter: HistoryFilter = history.filter;

  return (
    <>
      <section className="panel history" data-testid="alert-history">
        <div className="panel-head">
          <h3>Alert history</h3>
          <div className="actions">
            <a className="button" href={alertExportUrl(filter, 'csv')} download data-testid="history-export-csv" title="Download the alerts this filter selects, as CSV">
              Export CSV
            </a>
            <a className="button" href={alertExportUrl(filter, 'json')} download data-testid="history-export-json" title="Download the alerts this filter selects, as JSON">
              Export JSON
            </a>
            <button type="button" onClick={() => void queryHistory(filter)} disabled={history.loading}>
              Refresh
            </button>
          </div>
        </div>

        <div className="history-filters" data-testid="history-filters">
          <label className="field grow">
            <span>Search text</span>
            <input
              type="search"
              data-testid="history-search"
              value={form.text}
              placeholder="words in the text, places, event…"
              onChange={(e) => set({ text: e.target.value })}
            />
          </label>
          <label className="field">
            <span>From</span>
            <input type="date" data-testid="history-from" value={form.from} onChange={(e) => set({ from: e.target.value })} />
          </label>
          <label className="field">
            <span>To</span>
            <input type="date" data-testid="history-to" value={form.to} onChange={(e) => set({ to: e.target.value })} />
          </label>
          <label className="field">
            <span>Events</span>
            <input
              className="mono narrow"
              data-testid="history-filter-event"
              value={form.events}
              placeholder="TOR, SVR"
              onChange={(e) => set({ events: e.target.value })}
            />
          </label>
          <label className="field">
            <span>Originator</span>
            <select data-testid="history-filter-originator" value={form.originator} onChange={(e) => set({ originator: e.target.value as FilterForm['originator'] })}>
              <option value="">any</option>
              <option value="WXR">WXR weather</option>
              <option value="CIV">CIV civil</option>
              <option value="EAS">EAS broadcaster</option>
              <option value="PEP">PEP national</option>
              <option value="EAN">EAN network</option>
            </select>
          </label>
          <label className="field">
            <span>Location</span>
            <input
              data-testid="history-filter-location"
              value={form.location}
              placeholder="029095 or Jackson"
              onChange={(e) => set({ location: e.target.value })}
            />
          </label>
          <label className="field">
            <span>Relevance</span>
            <select data-testid="history-filter-relevant" value={form.relevant} onChange={(e) => set({ relevant: e.target.value as FilterForm['relevant'] })}>
              <option value="any">all alerts</option>
              <option value="yes">for this station</option>
              <option value="no">other alerts</option>
            </select>
          </label>
          <label className="field">
            <span>Acknowledged</span>
            <select data-testid="history-filter-ack" value={form.acknowledged} onChange={(e) => set({ acknowledged: e.target.value as FilterForm['acknowledged'] })}>
              <option value="any">either</option>
              <option value="yes">acknowledged</option>
              <option value="no">not acknowledged</option>
            </select>
          </label>
          <label className="field">
            <span>State</span>
            <select data-testid="history-filter-state" value={form.state} onChange={(e) => set({ state: e.target.value as FilterForm['state'] })}>
              <option value="">either</option>
              <option value="active">active</option>
              <option value="expired">expired</option>
            </select>
          </label>
          <button type="button" className="clear-filters" onClick={() => setForm(emptyForm())} disabled={JSON.stringify(form) === JSON.stringify(emptyForm())}>
            Clear
          </button>
        </div>
        {!parsed.ok && (
          <div className="error-box" data-testid="history-filter-errors">
            {parsed.errors.map((e) => (
              <div key={e}>{e}</div>
            ))}
          </div>
        )}
        {history.error && <div className="error-box">Could not load alerts: {history.error}</div>}

        {history.alerts.length === 0 && !history.error ? (
          <div className="empty small">
            {history.loading ? 'Loading…' : Object.keys(filter).length > 0 ? 'No alert matches these filters.' : 'No alerts received yet.'}
          </div>
        ) : (
          <HistoryTable alerts={history.alerts} />
        )}
        <div className="history-foot muted small">
          <span data-testid="history-count" data-count={history.alerts.length}>
            {history.alerts.length} alert{history.alerts.length === 1 ? '' : 's'} shown{history.nextCursor ? ', more below' : ''}
          </span>
          {history.nextCursor && (
            <button type="button" onClick={() => void loadOlderHistory()} disabled={history.loading}>
              Load older
            </button>
          )}
        </div>
      </section>
      <AlertDetailView />
    </>
  );
}

function HistoryTable({ alerts }: { alerts: Alert[] }) {
  const tz = useConsole((s) => s.timeZone);
  const now = useConsole((s) => s.now);
  const sources = useConsole((s) => s.sources);
  const selected = useConsole((s) => s.detail?.id ?? null);
  const name = (id: string) => sources.find((s) => s.id === id)?.name ?? id;
  return (
    <div className="table-scroll">
      <table className="events history-table">
        <thead>
          <tr>
            <th>First heard</th>
            <th>Event</th>
            <th>Areas</th>
            <th>Sources</th>
            <th>Expires</th>
            <th>State</th>
            <th>Acknowledged</th>
          </tr>
        </thead>
        <tbody>
          {alerts.map((a) => {
            const active = isActiveAt(a, now);
            return (
              <tr
                key={a.id}
                className={`history-row${selected === a.id ? ' selected' : ''}${a.relevance.relevant ? '' : ' not-relevant'}`}
                data-testid={`history-row-${a.id}`}
                tabIndex={0}
                aria-selected={selected === a.id}
                onClick={() => void openDetail(a.id)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    void openDetail(a.id);
                  }
                }}
              >
                <td className="nowrap">{formatTime(a.receivedAt, tz)}</td>
                <td>
                  <span className={`pill ${categoryClass(a.category)}`}>{a.category}</span> {a.eventName}
                  {!a.relevance.relevant && (
                    <span className="badge muted-badge" title={a.relevance.reasons.join('; ')}>
                      other
                    </span>
                  )}
                </td>
                <td>{areas(a, 4)}</td>
                <td data-testid={`history-sources-${a.id}`}>
                  {sourceIds(a).map(name).join(', ')}
                  {a.receptions.length > 1 && <div className="muted small">{a.receptions.length} receptions</div>}
                </td>
                <td className="nowrap">{formatTime(a.expiresAt, tz)}</td>
                <td>
                  <span className={`badge ${active ? 'active-badge' : 'expired-badge'}`} data-testid={`state-${a.id}`} data-state={active ? 'active' : 'expired'}>
                    {active ? 'ACTIVE' : 'expired'}
                  </span>
                </td>
                <td data-testid={`ack-state-${a.id}`} data-acknowledged={a.acknowledgement ? 'true' : 'false'}>
                  {a.acknowledgement ? (
                    <span title={a.acknowledgement.note ?? undefined}>
                      ✓ {a.acknowledgement.by}
                      <div className="muted small nowrap">{formatTime(a.acknowledgement.at, tz)}</div>
                    </span>
                  ) : a.relevance.relevant ? (
                    <span className="warn-text">not yet</span>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
