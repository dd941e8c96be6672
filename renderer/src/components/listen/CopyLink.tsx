import { useRef, useState } from 'react';

/** A URL to hand to a player, selectable, with a Copy button (falls back to selecting it where the clipboard API is refused, e.g. plain http on a LAN address). */
export function CopyLink({ label, url, testId }: { label: string; url: string; testId: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'select' | null>(null);
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied('yes');
    } catch {
      input.current?.select();
      setCopied('select');
    }
  };
  return (
    <div className="copy-link" data-testid={testId}>
      <span className="copy-label">{label}</span>
      <input ref={input} className="mono" readOnly value={url} aria-label={`${label} URL`} onFocus={(e) => e.currentTarget.select()} />
      <button type="button" className="small" onClick={() => void copy()}>
        Copy
      </button>
      {copied === 'yes' && <span className="muted small">copied</span>}
      {copied === 'select' && <span className="muted small">selected: press Ctrl+C</span>}
    </div>
  );
}
