import { describe, expect, it } from 'vitest';
import { Alert } from '../../../electron/contract/dto';
import { describeAlert, toAlertDto, type DescribedAlert } from '../../../electron/core/alerts/describe';
import { parseHeader } from '../../../electron/core/alerts/header';
import { nameEvent, nameLocation } from '../../../electron/core/alerts/names';
import { expiryTime, formatUtc, inferIssueTime, isLeapYear } from '../../../electron/core/alerts/time';
import { loadTables } from '../../../native/tables-loader';

const tables = loadTables();
const at = (iso: string) => new Date(iso);

function described(raw: string, received = at('2026-04-15T17:01:00Z')): DescribedAlert {
  const r = describeAlert(raw, received, tables);
  if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.message}`);
  return r.alert;
}

describe('issue time year inference', () => {
  const issue = (day: number, hour: number, minute: number, received: string) => inferIssueTime({ day, hour, minute }, at(received));

  it('uses the receive year in the normal case', () => {
    expect(issue(105, 17, 0, '2026-04-15T17:01:00Z')).toEqual({ issuedAt: at('2026-04-15T17:00:00Z'), dayOutOfYear: false });
  });

  it('puts a late-December day in the previous year when received just after New Year', () => {
    expect(issue(365, 23, 55, '2027-01-01T00:05:00Z').issuedAt).toEqual(at('2026-12-31T23:55:00Z'));
    // 2024 is a leap year: day 366 is December 31.
    expect(issue(366, 23, 58, '2025-01-01T00:02:00Z').issuedAt).toEqual(at('2024-12-31T23:58:00Z'));
    expect(issue(365, 12, 0, '2025-01-01T00:02:00Z').issuedAt).toEqual(at('2024-12-30T12:00:00Z'));
  });

  it('puts day 001 in the next year when the sender clock is ahead at New Year', () => {
    expect(issue(1, 0, 1, '2026-12-31T23:59:00Z').issuedAt).toEqual(at('2027-01-01T00:01:00Z'));
  });

  it('handles leap days', () => {
    expect(isLeapYear(2024)).toBe(true);
    expect(isLeapYear(2100)).toBe(false);
    expect(isLeapYear(2000)).toBe(true);
    expect(issue(60, 12, 0, '2028-02-29T12:10:00Z').issuedAt).toEqual(at('2028-02-29T12:00:00Z'));
    expect(issue(60, 12, 0, '2026-03-01T12:10:00Z').issuedAt).toEqual(at('2026-03-01T12:00:00Z'));
    expect(issue(366, 10, 0, '2028-12-31T10:05:00Z').issuedAt).toEqual(at('2028-12-31T10:00:00Z'));
  });

  it('flags day 366 when no nearby year is a leap year', () => {
    const r = issue(366, 10, 0, '2026-06-01T00:00:00Z');
    expect(r.dayOutOfYear).toBe(true);
    expect(Number.isFinite(r.issuedAt.getTime())).toBe(true);
  });

  it('adds the purge time for expiry, across midnight and year end', () => {
    expect(expiryTime(at('2026-12-31T23:45:00Z'), { hours: 0, minutes: 30 })).toEqual(at('2027-01-01T00:15:00Z'));
    expect(expiryTime(at('2026-04-15T17:00:00Z'), { hours: 6, minutes: 0 })).toEqual(at('2026-04-15T23:00:00Z'));
  });

  it('formats UTC times independently of the host', () => {
    expect(formatUtc(at('2026-04-15T17:00:00Z'))).toBe('5:00 PM UTC April 15, 2026');
    expect(formatUtc(at('2026-01-02T00:07:00Z'))).toBe('12:07 AM UTC January 2, 2026');
    expect(formatUtc(at('2026-01-02T12:30:00Z'))).toBe('12:30 PM UTC January 2, 2026');
  });
});

describe('location names', () => {
  const name = (code: string) => nameLocation(code, tables).name;

  it('names counties with their state abbreviation, and subdivisions by P', () => {
    expect(name('029095')).toBe('Jackson County, MO');
    expect(name('129095')).toBe('Northwest Jackson County, MO');
    expect(name('529095')).toBe('Central Jackson County, MO');
    expect(name('929095')).toBe('Southeast Jackson County, MO');
    expect(name('035013')).toBe('Doña Ana County, NM');
    expect(name('009110')).toBe('Capitol Planning Region, CT');
    expect(name('009001')).toBe('Fairfield County, CT');
    expect(name('072001')).toBe('Adjuntas Municipio, PR');
  });

  it('names retired counties and marks them', () => {
    expect(nameLocation('046113', tables)).toMatchObject({ name: 'Shannon County, SD', kind: 'county', retired: true });
    expect(nameLocation('002261', tables).name).toBe('Valdez-Cordova Census Area, AK');
  });

  it('names statewide, whole-US and marine codes', () => {
    expect(name('029000')).toBe('All of Missouri');
    expect(name('011000')).toBe('All of the District of Columbia');
    expect(name('729000')).toBe('Southwest Missouri');
    expect(name('000000')).toBe('All of the United States');
    expect(name('073531')).toBe('ANZ531 (Western North Atlantic Ocean, and along U.S. East Coast, from Canadian border south to Currituck Beach Light, NC)');
    expect(name('091162')).toBe('LSZ162 (Lake Superior)');
    expect(name('057000')).toMatch(/^All marine zones PZZ \(Eastern North Pacific/);
    expect(nameLocation('073531', tables).kind).toBe('marine');
  });

  it('names unknown codes plainly', () => {
    expect(name('012345')).toBe('unknown location 012345'); // Florida has no county 345
    expect(name('003001')).toBe('unknown location 003001'); // no state 03
    expect(name('173531')).toBe('unknown location 173531'); // marine zones have no P
    expect(nameLocation('099999', tables)).toMatchObject({ kind: 'unknown', retired: false });
  });
});

describe('event names', () => {
  it('names known, extra and unknown codes', () => {
    expect(nameEvent('TOR', tables)).toEqual({ code: 'TOR', name: 'Tornado Warning', category: 'warning', known: true, extra: false });
    expect(nameEvent('BWW', tables)).toMatchObject({ known: true, extra: true });
    expect(nameEvent('XYZ', tables)).toEqual({ code: 'XYZ', name: 'Unknown event (XYZ)', category: 'unknown', known: false, extra: false });
    expect(nameEvent('QQW', tables).category).toBe('warning');
    expect(nameEvent('QQA', tables).category).toBe('watch');
  });
});

describe('describeAlert', () => {
  it('produces the ENDEC-style text', () => {
    const a = described('ZCZC-WXR-TOR-029095-029047+0030-1051700-KEAX/NWS-');
    expect(a.text).toBe(
      'The National Weather Service has issued a Tornado Warning for Jackson County, MO, Clay County, MO; ' +
        'beginning at 5:00 PM UTC April 15, 2026 and ending at 5:30 PM UTC April 15, 2026. Message from KEAX/NWS.',
    );
    expect(a).toMatchObject({
      originator: 'WXR',
      originatorName: 'National Weather Service',
      event: 'TOR',
      eventName: 'Tornado Warning',
      category: 'warning',
      callsign: 'KEAX/NWS',
      purge: '+0030',
      issuedAt: at('2026-04-15T17:00:00Z'),
      expiresAt: at('2026-04-15T17:30:00Z'),
    });
    expect(a.locations.map((l) => [l.code, l.name])).toEqual([
      ['029095', 'Jackson County, MO'],
      ['029047', 'Clay County, MO'],
    ]);
  });

  it('phrases each originator and article', () => {
    expect(described('ZCZC-CIV-EVI-029000+0100-1051700-WABC/FM -').text).toMatch(
      /^The Civil Authorities have issued an Evacuation Immediate for all of Missouri; .* Message from WABC\/FM\.$/,
    );
    expect(described('ZCZC-EAS-RWT-000000+0015-1051700-WABC/FM -').text).toMatch(/^A broadcast station or cable system has issued a Required Weekly Test for all of the United States;/);
    expect(described('ZCZC-PEP-EAN-000000+0000-1051700-WHITEHSE-').text).toMatch(/^The Primary Entry Point System has issued a National Emergency Message/);
    expect(described('ZCZC-WXR-TOR-029095+0030-1051700-EC/GC/CA-').text).toMatch(/^Environment Canada has issued/);
  });

  it('names unknown events and flags non-standard purge, unknown and retired locations', () => {
    const a = described('ZCZC-WXR-XYZ-012345-046113+0037-1051700-KEAX/NWS-');
    expect(a.eventName).toBe('Unknown event (XYZ)');
    expect(a.text).toContain('has issued an Unknown event (XYZ) for unknown location 012345, Shannon County, SD;');
    expect(a.text).toContain('ending at 5:37 PM UTC April 15, 2026');
    expect(a.text).toMatch(/Non-standard purge time \+0037/);
    expect(a.flags).toEqual({
      nonStandardPurge: true,
      unknownEvent: true,
      extraEvent: false,
      unknownLocations: ['012345'],
      retiredLocations: ['046113'],
      issueDayOutOfYear: false,
    });
  });

  it('returns the parser error for a malformed header and accepts a parsed header', () => {
    const bad = describeAlert('ZCZC-WXR-TOR-029095+0030-1052500-KEAX/NWS-', new Date(), tables);
    expect(bad).toMatchObject({ ok: false, error: { kind: 'issued', field: 'issued.hour' } });
    const parsed = parseHeader('ZCZC-WXR-TOR-029095+0030-1051700-KEAX/NWS-');
    if (!parsed.ok) throw new Error('parse');
    const r = describeAlert(parsed.header, at('2026-04-15T17:01:00Z'), tables);
    expect(r.ok && r.alert.eventName).toBe('Tornado Warning');
  });

  it('maps onto the contract Alert DTO', () => {
    const a = described('ZCZC-WXR-TOR-029095-029047+0030-1051700-KEAX/NWS-');
    const dto = toAlertDto(a, { id: 'a1', sourceId: 'demo' });
    expect(Alert.parse(dto)).toEqual(dto);
    expect(dto).toMatchObject({ active: true, issuedAt: '2026-04-15T17:00:00.000Z', expiresAt: '2026-04-15T17:30:00.000Z', receivedAt: '2026-04-15T17:01:00.000Z' });
    expect(toAlertDto(a, { id: 'a1', sourceId: 'demo', now: at('2026-04-15T18:00:00Z') }).active).toBe(false);
  });
});
