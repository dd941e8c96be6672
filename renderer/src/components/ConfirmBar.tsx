import { useState } from 'react';

export interface PendingAction {
  /** What will happen, in words: "Kick listener 12 (10.0.0.5) from /noaa.mp3". */
  text: string;
  run: () => Promise<void>;
}

/** Inline confirmation for actions that touch listeners on air; Escape-free and obvious. */
export function ConfirmBar({ action, onDone }: { action: PendingAction | null; onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  if (!action) return null;
  return (
    <div className="confirm-bar" role="alertdialog" aria-label="Confirm action" data-testid="confirm-bar">
      <span>{action.text}?</span>
      <button
        type="button"
        className="danger"
        disabled={busy}
        data-testid="confirm-yes"
        onClick={async () => {
          setBusy(true);
          try {
            await action.run();
          } finally {
            setBusy(false);
            onDone();
          }
        }}
      >
        Yes, do it
      </button>
      <button type="button" disabled={busy} onClick={onDone}>
        Cancel
      </button>
    </div>
  );
}
