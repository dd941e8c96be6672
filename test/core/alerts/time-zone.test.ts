import { describe, expect, it } from 'vitest';
import { describeAlert } from '../../../electron/core/alerts';
import { formatInZone, formatUtc } from '../../../electron/core/alerts/time';
import { loadTables } from '../../../native/tables-loader';

const T = new Date(Date.UTC(2026, 3, 15, 22, 5));

describe('alert times in the station zone', () => {
  it('formats in the named zone with its abbreviation, and in UTC when none or an unknown one is given', () => {
    expect(formatInZone(T, 'America/Chicago')).toBe('5:05 PM CDT April 15, 2026');
    expect(formatInZone(T, 'America/New_York')).toBe('6:05 PM EDT April 15, 2026');
    expect(formatInZone(T, null)).toBe(formatUtc(T));
    expect(formatInZone(T, 'Not/AZone')).toBe(formatUtc(T));
    expect(formatUtc(T)).toBe('10:05 PM UTC April 15, 2026');
  });

  it('describes an alert in the station zone', () => {
    const d = describeAlert('ZCZC-WXR-TOR-029095+0030-1052200-KEAX/NWS-', T, loadTables(), 'America/Chicago');
    expect(d.ok).toBe(true);
    if (d.ok) expect(d.alert.text).toContain('beginning at 5:00 PM CDT April 15, 2026 and ending at 5:30 PM CDT April 15, 2026');
  });
});
