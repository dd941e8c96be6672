/**
 * A parsed header turned into what an operator reads: names for every code, UTC issue and expiry
 * times, and the one-paragraph text an ENDEC shows ("The National Weather Service has issued a
 * Tornado Warning for ...; beginning at ... and ending at .... Message from KEAX/NWS.").
 */
import type { Alert } from '../../contract/dto';
import { parseHeader, type HeaderError, type SameHeader } from './header';
import { nameEvent, nameLocation, nameOriginator, type EventName, type LocationName } from './names';
import type { SameTables } from './tables';
import { expiryTime, formatInZone, inferIssueTime } from './time';

export interface AlertFlags {
  /** Purge time outside the rule's increments (15 min up to 1 h, 30 min beyond), or +0000. */
  nonStandardPurge: boolean;
  /** Event code in neither table: named "Unknown event (XYZ)". */
  unknownEvent: boolean;
  /** Event code known only from same-event-codes-extra.csv (not in 47 CFR 11.31(e)). */
  extraEvent: boolean;
  /** Location codes no table names. */
  unknownLocations: string[];
  /** Location codes found only among retired counties. */
  retiredLocations: string[];
  /** JJJ = 366 with no leap year near the receive time. */
  issueDayOutOfYear: boolean;
}

export interface DescribedAlert {
  raw: string;
  header: SameHeader;
  originator: string;
  originatorName: string;
  event: string;
  eventName: string;
  category: EventName['category'];
  locations: LocationName[];
  callsign: string;
  issuedAt: Date;
  expiresAt: Date;
  receivedAt: Date;
  /** Purge as written, "+0030". */
  purge: string;
  text: string;
  flags: AlertFlags;
}

export type DescribeResult = { ok: true; alert: DescribedAlert } | { ok: false; error: HeaderError };

/** Who issued it, with the verb's agreement, as ENDECs phrase the originator in running text. */
function issuer(header: SameHeader, fallback: string): string {
  switch (header.originator) {
    case 'WXR':
      // Environment Canada also sends WXR; its station ids start "EC/".
      return header.callsign.startsWith('EC/') ? 'Environment Canada has' : 'The National Weather Service has';
    case 'CIV':
      return 'The Civil Authorities have';
    case 'EAS':
      return 'A broadcast station or cable system has';
    case 'PEP':
      return 'The Primary Entry Point System has';
    case 'EAN':
      return 'The Emergency Action Notification Network has';
    default:
      return `${fallback} has`;
  }
}

function article(name: string): string {
  return /^[AEIOU]/i.test(name) ? 'an' : 'a';
}

function inSentence(name: string): string {
  return name.startsWith('All ') ? `all ${name.slice(4)}` : name;
}

function purgeText(p: SameHeader['purge']): string {
  return `+${String(p.hours).padStart(2, '0')}${String(p.minutes).padStart(2, '0')}`;
}

export function plainText(parts: {
  header: SameHeader;
  originatorName: string;
  eventName: string;
  locations: LocationName[];
  issuedAt: Date;
  expiresAt: Date;
  flags: AlertFlags;
  /** The station's IANA zone for the times in the text; UTC when absent. */
  timeZone?: string | null;
}): string {
  const { header } = parts;
  const where = parts.locations.map((l) => inSentence(l.name)).join(', ');
  let text =
    `${issuer(header, parts.originatorName)} issued ${article(parts.eventName)} ${parts.eventName} for ${where}; ` +
    `beginning at ${formatInZone(parts.issuedAt, parts.timeZone)} and ending at ${formatInZone(parts.expiresAt, parts.timeZone)}. ` +
    `Message from ${header.callsign.trimEnd()}.`;
  if (parts.flags.nonStandardPurge) text += ` (Non-standard purge time ${purgeText(header.purge)}.)`;
  return text;
}

/** Describes an already parsed header; cannot fail. */
export function describeHeader(header: SameHeader, receivedAt: Date, tables: SameTables, timeZone?: string | null): DescribedAlert {
  const event = nameEvent(header.event, tables);
  const locations = header.locations.map((code) => nameLocation(code, tables));
  const { issuedAt, dayOutOfYear } = inferIssueTime(header.issued, receivedAt);
  const expiresAt = expiryTime(issuedAt, header.purge);
  const originatorName = nameOriginator(header.originator, tables);
  const flags: AlertFlags = {
    nonStandardPurge: header.purge.nonStandard,
    unknownEvent: !event.known,
    extraEvent: event.extra,
    unknownLocations: locations.filter((l) => l.kind === 'unknown').map((l) => l.code),
    retiredLocations: locations.filter((l) => l.retired).map((l) => l.code),
    issueDayOutOfYear: dayOutOfYear,
  };
  return {
    raw: header.raw,
    header,
    originator: header.originator,
    originatorName,
    event: header.event,
    eventName: event.name,
    category: event.category,
    locations,
    callsign: header.callsign,
    issuedAt,
    expiresAt,
    receivedAt: new Date(receivedAt.getTime()),
    purge: purgeText(header.purge),
    text: plainText({ header, originatorName, eventName: event.name, locations, issuedAt, expiresAt, flags, timeZone }),
    flags,
  };
}

/** Parses (when given text) and describes; a malformed header comes back as the parser's typed error. */
export function describeAlert(input: string | SameHeader, receivedAt: Date, tables: SameTables, timeZone?: string | null): DescribeResult {
  if (typeof input !== 'string') return { ok: true, alert: describeHeader(input, receivedAt, tables, timeZone) };
  const parsed = parseHeader(input);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  return { ok: true, alert: describeHeader(parsed.header, receivedAt, tables, timeZone) };
}

/**
 * The contract's Alert DTO for a described alert heard once (one reception with the alert's id),
 * relevant and unacknowledged until the desk says otherwise. `active` defaults to "not yet expired at `now`".
 */
export function toAlertDto(a: DescribedAlert, ids: { id: string; sourceId: string; active?: boolean; now?: Date }): Alert {
  const now = ids.now ?? a.receivedAt;
  const active = ids.active ?? a.expiresAt.getTime() > now.getTime();
  return {
    id: ids.id,
    sourceId: ids.sourceId,
    raw: a.raw,
    originator: a.originator,
    originatorName: a.originatorName,
    event: a.event,
    eventName: a.eventName,
    category: a.category,
    locations: a.locations.map((l) => ({ code: l.code, name: l.name })),
    issuedAt: a.issuedAt.toISOString(),
    expiresAt: a.expiresAt.toISOString(),
    callsign: a.callsign,
    text: a.text,
    receivedAt: a.receivedAt.toISOString(),
    active,
    recording: null,
    state: active ? 'active' : 'expired',
    lastReceivedAt: a.receivedAt.toISOString(),
    receptions: [{ id: ids.id, sourceId: ids.sourceId, receivedAt: a.receivedAt.toISOString(), bursts: null, bitConfidence: null, recording: null }],
    relevance: { relevant: true, reasons: [] },
    acknowledgement: null,
    flags: [],
  };
}

/** Flat fields for a DecoderEvent's `detail` record or a JSON line. */
export function alertDetail(a: DescribedAlert): Record<string, string | number | boolean | null> {
  return {
    originator: a.originator,
    originatorName: a.originatorName,
    event: a.event,
    eventName: a.eventName,
    category: a.category,
    locations: a.locations.map((l) => l.code).join(','),
    locationNames: a.locations.map((l) => l.name).join('; '),
    purge: a.purge,
    issuedAt: a.issuedAt.toISOString(),
    expiresAt: a.expiresAt.toISOString(),
    callsign: a.callsign,
    nonStandardPurge: a.flags.nonStandardPurge,
    unknownEvent: a.flags.unknownEvent,
  };
}
