import { useEffect, useRef, useState } from 'react';
import type { Alert } from '@contract';
import { formatTime } from '../lib/time';
import { acknowledgeAlert } from '../store/actions';
import { useConsole } from '../store/console-store';

export function ackText(a: Pick<Alert, 'acknowledgement'>, tz: string): string {
  const k = a.acknowledgement;
  if (!k) return '';
  return `Acknowledged by ${k.by} at ${formatTime(k.at, tz)}${k.note ? `: “${k.note}”` : ''}`;
}

/** Acknowledge with an optional note; Enter sends, Escape closes. Focused when it opens. */
export function AckForm({ alert, onClose }: { alert: Alert; onClose(): void }) {
  const [note, setNote] = useState('');
  const pending = useConsole((s) => s.acks[alert.id]?.pending ?? false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const submit = async (): Promise<void> => {
    if (await acknowledgeAlert(alert.id, note)) onClose();
  };
  return (
    <form
      className="ack-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <input
        ref={input}
        data-testid={`ack-note-${alert.id}`}
        value={note}
        maxLength={500}
        placeholder="Note (optional), e.g. “relayed on air 18:07”"
        aria-label={`Note for acknowledging the ${alert.eventName}`}
        onChange={(e) => setNote(e.target.value)}
      />
      <button type="submit" className="primary" data-testid={`ack-confirm-${alert.id}`} disabled={pending}>
        {pending ? 'Acknowledging…' : 'Acknowledge'}
      </button>
      <button type="button" onClick={onClose}>
        Cancel
      </button>
    </form>
  );
}

