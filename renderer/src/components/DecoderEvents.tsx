import { useState } from 'react';
import type { DecoderEvent } from '@contract';
import { formatTime } from '../lib/time';
import { useConsole } from '../store/console-store';

const KIND_LABEL: Record<DecoderEvent['kind'], string> = {
  header: 'HEADER',
  eom: 'EOM',
  attention: 'ATTN',
  burst: 'BURST',
  link: 'LINK',
};

/** Per-burst and link-state events: useful when chasing reception, clutter otherwise. */
const DETAIL_KINDS: ReadonlySet<DecoderEvent['kind']> = new Set(['burst', 'link']);

export function DecoderEvents() {
  const all = useConsole((s) => s.decoderEvents);
  const sources = useConsole((s) => s.sources);
  const tz = useConsole((s) => s.timeZone);
  const [showDetail, setShowDetail] = useState(false);
  const name = (id: string) => sources.find((s) => s.id === id)?.name ?? id;
  const events = showDetail ? all : all.filter((e) => !DETAIL_KINDS.has(e.kind));
  const hidden = all.length - events.length;

  return (
    <section className="panel decoder-panel" data-testid="decoder-events" data-count={events.length}>
      <div className="panel-head">
        <h3>Decoder events</h3>
        {(hidden > 0 || showDetail) && (
          <button type="button" className="small" onClick={() => setShowDetail(!showDetail)}>
            {showDetail ? 'Hide bursts & link changes' : `Show bursts & link changes (${hidden})`}
          </button>
        )}
      </div>
      {events.length === 0 ? (
        <div className="empty small">
          Nothing decoded yet. Every source is decoded; headers, attention signals and EOMs appear here.
        </div>
      ) : (
        <div className="table-scroll">
          <table className="events">
            <thead>
              <tr>
                <th>Time</th>
                <th>Source</th>
                <th>Kind</th>
                <th>Header / message</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id} className={`ev-${e.kind}${DETAIL_KINDS.has(e.kind) ? ' minor' : ''}`} data-kind={e.kind}>
                  <td className="nowrap" title={e.receivedAt}>
                    {formatTime(e.receivedAt, tz)}
                  </td>
                  <td className="nowrap">{name(e.sourceId)}</td>
                  <td>
                    <span className={`pill kind-${e.kind}`}>{KIND_LABEL[e.kind]}</span>
                  </td>
                  <td>
                    {e.raw && <div className="mono raw">{e.raw}</div>}
                    {e.text && <div className="plain">{e.text}</div>}
                    {e.kind !== 'header' && e.detail && <div className="muted small">{detailText(e.detail)}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function detailText(detail: NonNullable<DecoderEvent['detail']>): string {
  return Object.entries(detail)
    .map(([k, v]) => `${k}: ${typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(3) : String(v)}`)
    .join(', ');
}
