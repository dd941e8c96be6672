import { useRef, useState } from 'react';

interface Props {
  /** The archive URL base (".../api/"). */
  base: string;
  sourceId: string;
  fromMs: number;
  toMs: number;
}

/** Bytes per second of audio in each export format (WAV exactly; MP3 and Opus at their bit rates). */
const BYTES_PER_S = { wav: 22050 * 2, mp3: 64_000 / 8, opus: 32_000 / 8 } as const;
type Format = keyof typeof BYTES_PER_S;

/**
 * Exports a range of the archive: the file is fetched as it is encoded, with a progress bar
 * (the server says how much audio the range holds) and a cancel that stops the engine's encoder,
 * then handed to the browser as a download.
 */
export function ExportBox({ base, sourceId, fromMs, toMs }: Props) {
  const [format, setFormat] = useState<Format>('wav');
  const [progress, setProgress] = useState<number | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);

  const start = async () => {
    const ctl = new AbortController();
    abort.current = ctl;
    setProgress(0);
    setMessage(null);
    try {
      const res = await fetch(`${base}archive/${encodeURIComponent(sourceId)}/export?from=${Math.round(fromMs)}&to=${Math.round(toMs)}&format=${format}`, { signal: ctl.signal, credentials: 'same-origin' });
      if (!res.ok || !res.body) throw new Error(`export failed (${res.status})`);
      const expected = Math.max(1, Number(res.headers.get('x-archive-seconds') ?? 0) * BYTES_PER_S[format]);
      const reader = res.body.getReader();
      const parts: Uint8Array[] = [];
      let got = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        got += value.length;
        setProgress(Math.min(0.99, got / expected));
      }
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `archive.${format}`;
      const url = URL.createObjectURL(new Blob(parts as BlobPart[], { type: res.headers.get('content-type') ?? 'application/octet-stream' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setProgress(1);
      setMessage(`saved ${name}`);
    } catch (err) {
      setProgress(null);
      setMessage(ctl.signal.aborted ? 'export cancelled' : (err as Error).message);
    } finally {
      abort.current = null;
    }
  };

  const busy = progress !== null && progress < 1;
  return (
    <div className="archive-export" data-testid="archive-export">
      Export {new Date(fromMs).toLocaleTimeString()} - {new Date(toMs).toLocaleTimeString()} as{' '}
      <select value={format} onChange={(e) => setFormat(e.target.value as Format)} disabled={busy} data-testid="archive-export-format">
        <option value="wav">WAV</option>
        <option value="mp3">MP3</option>
        <option value="opus">Opus</option>
      </select>{' '}
      {busy ? (
        <button onClick={() => abort.current?.abort()} data-testid="archive-export-cancel">
          Cancel
        </button>
      ) : (
        <button onClick={() => void start()} data-testid="archive-export-start">
          Export
        </button>
      )}
      {progress !== null && <progress value={progress} max={1} data-testid="archive-export-progress" />}
      {message && <span className="small" data-testid="archive-export-message"> {message}</span>}
    </div>
  );
}
