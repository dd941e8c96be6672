import type { DecoderEvent } from '@contract';
import { dateClock } from '../lib/format';
import { useConsole } from '../store/console-store';

const KIND_LABEL: Record<DecoderEvent['kind'], string> = {
  header: 'HEADER',
  eom: 'EOM',
  attention: 'ATTN',
  burst: 'BURST',
  link: 'LINK',
};

export function DecoderEvents() {
  const events = useConsole((s) => s.decoderEvents);
  const sources = useConsole((s) => s.sources);
  const name = (id: string) => sources.find((s) => s.id === id)?.name ?? id;

  return (
    <section className="panel decoder-panel" data-testid="decoder-events" data-count={events.length}>
      <h3>Decoder events</h3>
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
                <tr key={e.id} className={`ev-${e.kind}`}>
                  <td className="nowrap" title={e.receivedAt}>
                    {dateClock(e.receivedAt)}
                  </td>
                  <td className="nowrap">{name(e.sourceId)}</td>
                  <td>
                    <span className={`pill kind-${e.kind}`}>{KIND_LABEL[e.kind]}</span>
                  </td>
                  <td>
                    {e.raw && <div className="mono raw">{e.raw}</div>}
                    {e.text && <div className="plain">{e.text}</div>}
                    {!e.raw && !e.text && e.detail && <div className="muted">{detailText(e.detail)}</div>}
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
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(', ');
}
