import { useEffect, useMemo, useState } from 'react';
import type { Alert } from '@contract';
import { areas, bannerCategory, bySeverity, categoryClass, isActiveAt, sourceIds } from '../lib/alerts';
import { countdown, formatTime } from '../lib/time';
import { muteChime } from '../store/actions';
import { AckForm, ackText } from './AckForm';
import { useConsole } from '../store/console-store';

const SHORTCUT = 'Alt+A';
const SHORTCUT_HELP = `${SHORTCUT} acknowledges the top unacknowledged alert (type an optional note, then Enter)`;

/**
 * The active alerts that concern this station, most severe first (warning, watch,
 * advisory/statement, test). One alert gets the full card; several get one line each, any of
 * them expandable, so three alerts still leave the sources on a 1024x768 screen. Alerts the
 * relevance settings rule out are listed in a quiet strip below with the reason.
 */
export function AlertBanner() {
  const active = useConsole((s) => s.activeAlerts);
  const now = useConsole((s) => s.now);
  const chime = useConsole((s) => s.chime);
  const muted = useConsole((s) => s.mutedAlertIds);
  const [ackOpen, setAckOpen] = useState<string | null>(null);
  const [expanded, setExpanded] = useState<Record<string, boolean>>({});

  const current = useMemo(() => active.filter((a) => isActiveAt(a, now)).sort(bySeverity), [active, now]);
  const relevant = current.filter((a) => a.relevance.relevant);
  const others = current.filter((a) => !a.relevance.relevant);
  const unacked = relevant.filter((a) => !a.acknowledgement);
  const topUnacked = unacked[0]?.id ?? null;

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      // e.code: Alt+A types "å" on a Mac, but the key is still KeyA.
      if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || e.code !== 'KeyA') return;
      if (!topUnacked) return;
      e.preventDefault();
      setAckOpen(topUnacked);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [topUnacked]);

  const compact = relevant.length > 1;
  const unmutedRinging = unacked.filter((a) => !muted.includes(a.id));

  return (
    <section
      className="alert-stack"
      data-testid="alert-banner"
      data-count={relevant.length}
      aria-live={relevant.length > 0 ? 'assertive' : 'polite'}
    >
      {relevant.length === 0 ? (
        <div className="alert-banner none">
          No active alerts{others.length > 0 ? ' for this station' : ''}
        </div>
      ) : (
        <>
          {(compact || chime.ringing || chime.contextState === 'suspended') && (
            <div className="alert-stack-head" title={SHORTCUT_HELP}>
              <span>
                {relevant.length} active alert{relevant.length === 1 ? '' : 's'}
                {unacked.length > 0 && ` · ${unacked.length} not acknowledged`}
                <span className="muted"> · {SHORTCUT} acknowledges the top one</span>
              </span>
              {chime.ringing && chime.contextState === 'suspended' && (
                <span className="warn-text" data-testid="chime-blocked">
                  The browser holds the alert sound back until you click or press a key on this page.
                </span>
              )}
              {chime.ringing && unmutedRinging.length > 0 && (
                <button
                  type="button"
                  className="small"
                  data-testid="chime-mute"
                  title="Silence the chime for these alerts without acknowledging them; a new alert chimes again"
                  onClick={() => muteChime(unmutedRinging.map((a) => a.id))}
                >
                  Mute chime
                </button>
              )}
            </div>
          )}
          <div className="alert-rows">
            {relevant.map((a) => (
              <AlertRow
                key={a.id}
                alert={a}
                now={now}
                compact={compact}
                expanded={compact ? (expanded[a.id] ?? false) : (expanded[a.id] ?? true)}
                onToggle={() => setExpanded({ ...expanded, [a.id]: !(compact ? (expanded[a.id] ?? false) : (expanded[a.id] ?? true)) })}
                ackOpen={ackOpen === a.id}
                onAckOpen={(open) => setAckOpen(open ? a.id : null)}
              />
            ))}
          </div>
        </>
      )}
      {others.length > 0 && <OtherAlerts alerts={others} now={now} />}
    </section>
  );
}

function AlertRow(props: {
  alert: Alert;
  now: number;
  compact: boolean;
  expanded: boolean;
  onToggle(): void;
  ackOpen: boolean;
  onAckOpen(open: boolean): void;
}) {
  const { alert: a, now, compact, expanded } = props;
  const tz = useConsole((s) => s.timeZone);
  const sources = useConsole((s) => s.sources);
  const ack = useConsole((s) => s.acks[a.id]);
  const name = (id: string) => sources.find((s) => s.id === id)?.name ?? id;
  const left = Date.parse(a.expiresAt) - now;
  const heard = sourceIds(a).map(name).join(', ');

  return (
    <div
      className={`alert ${categoryClass(a.category)}${compact ? ' compact' : ''}${a.acknowledgement ? ' acked' : ''}`}
      data-testid={`alert-${a.id}`}
      data-acknowledged={a.acknowledgement ? 'true' : 'false'}
      data-category={bannerCategory(a.category)}
    >
      <div className="alert-line">
        <span className="alert-category">{a.category.toUpperCase()}</span>
        <span className="alert-event">{a.eventName}</span>
        {compact && <span className="alert-areas-inline">{areas(a, 3)}</span>}
        {a.flags.length > 0 && (
          <span className="alert-flag" title={a.flags.join('; ')} data-testid={`flags-${a.id}`}>
            ⚑ {a.flags.length === 1 ? a.flags[0] : `${a.flags.length} notes`}
          </span>
        )}
        <span className={`alert-countdown${left < 600_000 ? ' soon' : ''}`} title={`Expires ${formatTime(a.expiresAt, tz)}`}>
          expires in <strong className="mono" data-testid={`countdown-${a.id}`}>{countdown(a.expiresAt, now)}</strong>
        </span>
        <span className="alert-actions">
          {a.acknowledgement ? (
            <span className="ack-mark" title={ackText(a, tz)}>
              ✓ Acknowledged
            </span>
          ) : (
            !props.ackOpen && (
              <button
                type="button"
                className="ack-button"
                data-testid={`ack-${a.id}`}
                disabled={ack?.pending}
                title={`Acknowledge: stops the chime and records who and when, with an optional note (${SHORTCUT_HELP})`}
                onClick={() => props.onAckOpen(true)}
              >
                Acknowledge
              </button>
            )
          )}
          <button
            type="button"
            className="alert-expand small"
            aria-expanded={expanded}
            aria-label={expanded ? 'Show less' : 'Show details'}
            title={expanded ? 'Show less' : 'Show details'}
            onClick={props.onToggle}
          >
            {expanded ? '▴' : '▾'}
          </button>
        </span>
      </div>
      {props.ackOpen && !a.acknowledgement && <AckForm alert={a} onClose={() => props.onAckOpen(false)} />}
      {ack?.error && <div className="error-text">Could not acknowledge: {ack.error}</div>}
      {expanded && (
        <div className="alert-details">
          <div className="alert-areas">{areas(a, 24)}</div>
          <div className="alert-times">
            Issued {formatTime(a.issuedAt, tz)} · expires {formatTime(a.expiresAt, tz)} · {a.originatorName} · {a.callsign}
          </div>
          <div className="alert-times">
            Heard on {heard} ({a.receptions.length} reception{a.receptions.length === 1 ? '' : 's'}), first at {formatTime(a.receivedAt, tz)}
            {a.relevance.reasons.length > 0 && ` · ${a.relevance.reasons.join('; ')}`}
          </div>
          {a.acknowledgement && <div className="alert-times">{ackText(a, tz)}</div>}
          <div className="alert-raw mono">{a.raw}</div>
        </div>
      )}
    </div>
  );
}

function OtherAlerts({ alerts, now }: { alerts: Alert[]; now: number }) {
  const tz = useConsole((s) => s.timeZone);
  return (
    <div className="other-alerts" data-testid="other-alerts" data-count={alerts.length}>
      <span className="other-label" title="Active alerts the relevance settings (locations, events, tests) rule out for this station">
        Other alerts
      </span>
      <ul>
        {alerts.map((a) => (
          <li key={a.id} className="other-alert" data-testid={`other-alert-${a.id}`} title={`${a.raw}\nExpires ${formatTime(a.expiresAt, tz)}`}>
            <span className={`pill ${categoryClass(a.category)}`}>{a.category}</span> <strong>{a.eventName}</strong>{' '}
            <span className="muted">
              — {a.relevance.reasons.join('; ') || 'not relevant'} · {countdown(a.expiresAt, now)} left
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
