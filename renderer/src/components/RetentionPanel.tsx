import { useEffect, useState } from 'react';
import type { HistoryStorage, RetentionReport } from '@contract';
import { toContractError } from '../lib/contract-error';
import { bytes } from '../lib/format';
import { formatTime } from '../lib/time';
import { historyStorage, pruneHistory } from '../store/actions';
import { useConsole } from '../store/console-store';

/** How much the history holds, and "apply retention now" with what it deleted. */
export function RetentionPanel() {
  const tz = useConsole((s) => s.timeZone);
  const [storage, setStorage] = useState<HistoryStorage | null>(null);
  const [report, setReport] = useState<RetentionReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = () =>
    historyStorage().then(
      (s) => {
        setStorage(s);
        setError(null);
      },
      (err: unknown) => setError(toContractError(err).message),
    );
  useEffect(() => {
    void load();
  }, []);

  const prune = async () => {
    setBusy(true);
    try {
      setReport(await pruneHistory());
      setError(null);
      await load();
    } catch (err) {
      setError(toContractError(err).message);
    } finally {
      setBusy(false);
    }
  };

  const last = report ?? storage?.lastRetention ?? null;
  return (
    <div className="retention" data-testid="retention">
      {storage && (
        <div className="small">
          {storage.alerts.toLocaleString()} alerts, {storage.recordings.toLocaleString()} recordings ({bytes(storage.recordingBytes)}), database{' '}
          {bytes(storage.databaseBytes)}
          {storage.oldestAlertAt && `, oldest ${formatTime(storage.oldestAlertAt, tz)}`}.
          {!storage.writable && <span className="error-text"> The history cannot be written now ({storage.pendingWrites} changes waiting).</span>}
        </div>
      )}
      {last && (
        <div className="small muted" data-testid="retention-report">
          Last applied {formatTime(last.at, tz)} ({last.trigger}): {last.deletedAlerts} alerts and {last.deletedRecordings} recordings deleted,{' '}
          {bytes(last.freedBytes)} freed{last.kept > 0 ? `, ${last.kept} kept (active or not acknowledged)` : ''}.
        </div>
      )}
      <button type="button" className="small" onClick={() => void prune()} disabled={busy} title="Applies the saved limits (not unsaved changes above) now">
        {busy ? 'Applying…' : 'Apply retention now'}
      </button>
      {error && <span className="error-text"> {error}</span>}
    </div>
  );
}
