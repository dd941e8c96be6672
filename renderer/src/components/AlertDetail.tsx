import { useEffect, useRef, useState } from 'react';
import type { AlertDetail } from '@contract';
import { categoryClass, isActiveAt } from '../lib/alerts';
import { formatTime } from '../lib/time';
import { closeDetail } from '../store/actions';
import { useConsole } from '../store/console-store';
import { AckForm, ackText } from './AckForm';
import { AlertAudio } from './AlertAudio';

/**
 * One alert as an engineer reviews it afterwards: the plain-language text, the exact header,
 * why it was (not) for this station, who acknowledged it, and every reception with its
 * recording, decoder events and log entries.
 */
export function AlertDetailView() {
  const view = useConsole((s) => s.detail);
  const box = useRef<HTMLElement>(null);
  // Once per opened alert, when its content is there: the detail is below the table.
  const shownFor = useRef<string | null>(null);
  const ready = view?.detail ? view.id : null;
  useEffect(() => {
    if (!ready || shownFor.current === ready) return;
    shownFor.current = ready;
    box.current?.scrollIntoView({ block: 'start' });
  }, [ready]);
  if (!view) return null;
  return (
    <section className="panel alert-detail" data-testid="alert-detail" data-alert-id={view.id} ref={box}>
      {view.error ? (
        <>
          <div className="panel-head">
            <h3>Alert</h3>
            <button type="button" onClick={closeDetail}>
              Close
            </button>
          </div>
          <div className="error-box">Could not load this alert: {view.error}</div>
        </>
      ) : view.detail ? (
        <DetailBody detail={view.detail} />
      ) : (
        <div className="empty small">Loading…</div>
      )}
    </section>
  );
}

function DetailBody({ detail }: { detail: AlertDetail }) {
  const a = detail.alert;
  const tz = useConsole((s) => s.timeZone);
  const now = useConsole((s) => s.now);
  const sources = useConsole((s) => s.sources);
  const ackError = useConsole((s) => s.acks[a.id]?.error ?? null);
  const [acking, setAcking] = useState(false);
  const name = (id: string) => sources.find((s) => s.id === id)?.name ?? id;
  const active = isActiveAt(a, now);

  return (
    <>
      <div className="panel-head">
        <h2 className="detail-title">
          <span className={`pill ${categoryClass(a.category)}`}>{a.category}</span> {a.eventName}{' '}
          <span className={`badge ${active ? 'active-badge' : 'expired-badge'}`} data-testid="detail-state">
            {active ? 'ACTIVE' : 'expired'}
          </span>
        </h2>
        <button type="button" onClick={closeDetail}>
          Close
        </button>
      </div>
      <p className="detail-text" data-testid="detail-text">
        {a.text}
      </p>
      <dl className="kv detail-kv">
        <dt>Header</dt>
        <dd className="mono raw" data-testid="detail-raw">
          {a.raw}
        </dd>
        <dt>From</dt>
        <dd>
          {a.originatorName} ({a.originator}) · sender {a.callsign}
        </dd>
        <dt>Event</dt>
        <dd>
          {a.eventName} ({a.event})
        </dd>
        <dt>Issued</dt>
        <dd>{formatTime(a.issuedAt, tz)}</dd>
        <dt>Expires</dt>
        <dd>
          {formatTime(a.expiresAt, tz)} <span className="muted">(purge {detail.purge})</span>
        </dd>
        <dt>Locations</dt>
        <dd>
          {a.locations.length === 0
            ? 'none given'
            : a.locations.map((l) => (
                <div key={l.code}>
                  <span className="mono">{l.code}</span> {l.name}
                </div>
              ))}
        </dd>
        {a.flags.length > 0 && (
          <>
            <dt>Unusual</dt>
            <dd data-testid="detail-flags" className="warn-text">
              {a.flags.join('; ')}
            </dd>
          </>
        )}
        <dt>For this station</dt>
        <dd data-testid="detail-relevance" data-relevant={a.relevance.relevant ? 'true' : 'false'}>
          <strong className={a.relevance.relevant ? 'ok-text' : 'muted'}>{a.relevance.relevant ? 'Yes' : 'No'}</strong>
          {a.relevance.reasons.length > 0 && <span> — {a.relevance.reasons.join('; ')}</span>}
        </dd>
        <dt>Acknowledged</dt>
        <dd data-testid="detail-ack">
          {a.acknowledgement ? (
            ackText(a, tz)
          ) : acking ? (
            <AckForm alert={a} onClose={() => setAcking(false)} />
          ) : (
            <>
              <span className={a.relevance.relevant ? 'warn-text' : 'muted'}>not acknowledged</span>{' '}
              <button type="button" className="small" onClick={() => setAcking(true)}>
                Acknowledge…
              </button>
            </>
          )}
          {ackError && <div className="error-text">Could not acknowledge: {ackError}</div>}
        </dd>
        {detail.deviations.length > 0 && (
          <>
            <dt>Departures from the rules</dt>
            <dd>{detail.deviations.map((d) => d.replace(/_/g, ' ')).join('; ')}</dd>
          </>
        )}
      </dl>

      <h4>Receptions ({a.receptions.length})</h4>
      <table className="events receptions" data-testid="detail-receptions">
        <thead>
          <tr>
            <th>Heard</th>
            <th>Source</th>
            <th>Bursts</th>
            <th>Bit confidence</th>
            <th>Recording</th>
          </tr>
        </thead>
        <tbody>
          {a.receptions.map((r) => (
            <tr key={r.id} data-testid={`reception-${r.id}`}>
              <td className="nowrap">{formatTime(r.receivedAt, tz)}</td>
              <td>{name(r.sourceId)}</td>
              <td>{r.bursts ?? '—'}</td>
              <td>{r.bitConfidence === null ? '—' : `${(r.bitConfidence * 100).toFixed(r.bitConfidence > 0.999 ? 2 : 1)} %`}</td>
              <td>{r.recording ? <AlertAudio alertId={r.id} recording={r.recording} /> : <span className="muted small">no recording</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>

      {(detail.log.length > 0 || detail.decoderEvents.length > 0) && (
        <>
          <h4>Decoder events and log</h4>
          <ol className="activity detail-log">
            {[
              ...detail.log.map((l) => ({ id: `log-${l.id}`, at: l.at, level: l.level, tag: l.kind.toUpperCase(), text: l.message })),
              ...detail.decoderEvents.map((e) => ({
                id: `ev-${e.id}`,
                at: e.receivedAt,
                level: 'info' as const,
                tag: e.kind.toUpperCase(),
                text: `${name(e.sourceId)}: ${e.raw ?? e.text ?? ''}`,
              })),
            ]
              .sort((x, y) => x.at.localeCompare(y.at))
              .map((l) => (
                <li key={l.id} className={`lvl-${l.level}`}>
                  <span className="nowrap muted">{formatTime(l.at, tz)}</span>
                  <span className="tag">{l.tag}</span>
                  <span className="activity-text">{l.text}</span>
                </li>
              ))}
          </ol>
        </>
      )}
    </>
  );
}
