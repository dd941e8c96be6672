import type { Logger } from '../log';
import { repairWav } from '../recording/recording-repair';
import type { RecordingRecord } from './alert-record';
import type { AlertHistory } from './history/alert-history';

/**
 * On start, before any source runs: every recording the database still has as being written
 * was cut short by the last run ending (a crash, SIGKILL, power loss). Each is repaired and
 * marked complete and cut short; its duration is what survived.
 */
export function recoverRecordings(history: AlertHistory, log: Logger): RecordingRecord[] {
  const repaired: RecordingRecord[] = [];
  let incomplete: RecordingRecord[];
  try {
    incomplete = history.incompleteRecordings();
  } catch (err) {
    log.error({ err }, 'cannot list recordings to repair');
    return repaired;
  }
  for (const r of incomplete) {
    try {
      const res = repairWav(r.file);
      const fixed: RecordingRecord = { ...r, complete: true, cutShort: true, durationS: res.durationS, bytes: res.bytes };
      history.saveRecording(fixed);
      repaired.push(fixed);
    } catch (err) {
      // Left as it is: the next start tries again.
      log.warn({ err, file: r.file }, 'could not repair a recording cut short');
    }
  }
  return repaired;
}
