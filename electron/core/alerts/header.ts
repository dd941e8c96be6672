/**
 * The SAME header parser: 47 CFR 11.31(c) structure, nothing more and nothing less.
 *
 *   ZCZC-ORG-EEE-PSSCCC(-PSSCCC)*+TTTT-JJJHHMM-LLLLLLLL-
 *
 * The receiver calls this on every candidate it assembles, so it is a single left-to-right scan over
 * char codes (no regex, no allocation until the header is known good) and it never throws: any input,
 * including non-strings, gives either a typed header or a typed error naming the first bad field.
 *
 * Choices where the rule leaves room (each one errs on the side of "no phantom alert"):
 * - ORG must be one of the five originators of 11.31(d) (EAN kept for old equipment). A bit error in
 *   the originator is the commonest way a damaged header still looks well-formed, and no real sender
 *   uses another code, so an unknown originator is refused ('originator').
 * - EEE is any three upper-case letters: the event list grows (BLU 2018, MEP 2025), so an unknown but
 *   well-formed event is accepted and later named "Unknown event (XYZ)".
 * - TTTT: HH 00-99 and MM 00-59 are well-formed. The rule's increments (15 minutes up to one hour,
 *   30 minutes beyond) are "standard"; anything else well-formed, including +0000, is accepted with
 *   purge.nonStandard = true.
 * - LLLLLLLL: 8 characters of upper-case letters, digits, '/' and space. Real ids look like "KEAX/NWS",
 *   "WABC/FM " or "EC/GC/CA"; lower case and other punctuation are refused because a flipped bit 5 turns a
 *   letter into lower case and that is far likelier than a sender using it. Off air, TV stations send
 *   their call sign unpadded ("WTSP/TV", multimon-ng #99; sameold accepts 3 to 8 characters), so 3 to 7
 *   characters are accepted too, flagged 'nonconforming_sender_id'. The id ends at the first '-', which
 *   its alphabet cannot hold, so the length is never a guess; a '-' inside an id ("KEAX-NWS") is refused
 *   because it cannot be told from a short id followed by garbage.
 *
 * Every accepted departure from the rule is listed in `deviations`, so an alert can show it.
 */

/**
 * What a header that parsed does differently from 47 CFR 11.31: 'nonconforming_sender_id' (a 3 to 7
 * character station id, not padded to 8), 'nonstandard_purge' (a purge time off the rule's increments).
 */
export type HeaderDeviation = 'nonconforming_sender_id' | 'nonstandard_purge';

export interface SameHeader {
  raw: string;
  originator: string;
  event: string;
  locations: string[];
  purge: { hours: number; minutes: number; nonStandard: boolean };
  issued: { day: number; hour: number; minute: number };
  callsign: string;
  /** Accepted departures from the rule, in field order; empty for a compliant header. */
  deviations: HeaderDeviation[];
}

export type HeaderErrorKind =
  | 'truncated'
  | 'prefix'
  | 'originator'
  | 'event'
  | 'location'
  | 'location-count'
  | 'purge'
  | 'issued'
  | 'callsign'
  | 'trailing';

export interface HeaderError {
  kind: HeaderErrorKind;
  /** Which field: 'prefix', 'originator', 'event', 'locations[3]', 'locations', 'purge', 'issued.day', ... */
  field: string;
  message: string;
}

export type ParseHeaderResult = { ok: true; header: SameHeader } | { ok: false; error: HeaderError };

/** Originator codes of 47 CFR 11.31(d) (plus historical EAN); the names live in assets/data/same-originators.csv. */
export const KNOWN_ORIGINATORS: readonly string[] = ['PEP', 'CIV', 'WXR', 'EAS', 'EAN'];

export const MIN_LOCATIONS = 1;
export const MAX_LOCATIONS = 31;
export const MIN_CALLSIGN_LENGTH = 3;
export const CALLSIGN_LENGTH = 8;
/** "ZCZC-ORG-EEE-" + 1 location + "+TTTT-JJJHHMM-LLLLLLLL-": the shortest compliant header (5 less with a 3-character id). */
export const MIN_HEADER_LENGTH = 13 + 6 + 23;
/** Same with 31 locations joined by '-'. */
export const MAX_HEADER_LENGTH = 13 + MAX_LOCATIONS * 7 - 1 + 23;

const PREFIX = 'ZCZC-';
const C_DASH = 45; // '-'
const C_PLUS = 43; // '+'
const C_SLASH = 47; // '/'
const C_SPACE = 32;
const C_0 = 48;
const C_9 = 57;
const C_A = 65;
const C_Z = 90;

function isDigit(c: number): boolean {
  return c >= C_0 && c <= C_9;
}
function isUpper(c: number): boolean {
  return c >= C_A && c <= C_Z;
}
function isCallsignChar(c: number): boolean {
  return isUpper(c) || isDigit(c) || c === C_SLASH || c === C_SPACE;
}

/** The rule's increments: 15 minutes up to one hour, 30 minutes beyond. */
export function isStandardPurge(hours: number, minutes: number): boolean {
  const total = hours * 60 + minutes;
  if (total <= 0) return false;
  return total <= 60 ? minutes % 15 === 0 : minutes % 30 === 0;
}

function fail(kind: HeaderErrorKind, field: string, message: string): ParseHeaderResult {
  return { ok: false, error: { kind, field, message } };
}

function show(c: number): string {
  if (c >= 33 && c <= 126) return `'${String.fromCharCode(c)}'`;
  return `0x${c.toString(16).padStart(2, '0')}`;
}

/** Scan state shared by the field readers; `err` holds the first problem found. */
interface Cursor {
  s: string;
  n: number;
  i: number;
  err: ParseHeaderResult | null;
}

/** Reads `count` digits as a number, or returns -1 with cur.err set. */
function digits(cur: Cursor, count: number, kind: HeaderErrorKind, field: string, what: string): number {
  let v = 0;
  for (let k = 0; k < count; k++) {
    if (cur.i >= cur.n) {
      cur.err = fail('truncated', field, `header ends inside ${what}`);
      return -1;
    }
    const c = cur.s.charCodeAt(cur.i);
    if (!isDigit(c)) {
      cur.err = fail(kind, field, `${what} must be ${count} digits; found ${show(c)} at position ${cur.i}`);
      return -1;
    }
    v = v * 10 + (c - C_0);
    cur.i++;
  }
  return v;
}

function letters3(cur: Cursor, kind: HeaderErrorKind, field: string, what: string): boolean {
  for (let k = 0; k < 3; k++) {
    if (cur.i >= cur.n) {
      cur.err = fail('truncated', field, `header ends inside ${what}`);
      return false;
    }
    const c = cur.s.charCodeAt(cur.i);
    if (!isUpper(c)) {
      cur.err = fail(kind, field, `${what} must be 3 upper-case letters; found ${show(c)} at position ${cur.i}`);
      return false;
    }
    cur.i++;
  }
  return true;
}

function sep(cur: Cursor, ch: number, kind: HeaderErrorKind, field: string, what: string): boolean {
  const want = String.fromCharCode(ch);
  if (cur.i >= cur.n) {
    cur.err = fail('truncated', field, `header ends before the '${want}' after ${what}`);
    return false;
  }
  const c = cur.s.charCodeAt(cur.i);
  if (c !== ch) {
    cur.err = fail(kind, field, `expected '${want}' after ${what}; found ${show(c)} at position ${cur.i}`);
    return false;
  }
  cur.i++;
  return true;
}

function failed(cur: Cursor): ParseHeaderResult {
  return cur.err ?? fail('truncated', 'prefix', 'header could not be read');
}

export function parseHeader(raw: string): ParseHeaderResult {
  if (typeof raw !== 'string') return fail('prefix', 'prefix', 'header is not text');
  const s = raw;
  const n = s.length;
  const cur: Cursor = { s, n, i: 0, err: null };

  // "ZCZC-"
  for (let k = 0; k < 5; k++) {
    if (cur.i >= n) return fail('truncated', 'prefix', 'header ends inside the ZCZC- prefix');
    if (s.charCodeAt(cur.i) !== PREFIX.charCodeAt(k)) {
      return fail('prefix', 'prefix', `a header starts with "ZCZC-"; found ${show(s.charCodeAt(cur.i))} at position ${cur.i}`);
    }
    cur.i++;
  }

  // ORG-
  const orgAt = cur.i;
  if (!letters3(cur, 'originator', 'originator', 'the originator')) return failed(cur);
  const originator = s.slice(orgAt, orgAt + 3);
  if (!KNOWN_ORIGINATORS.includes(originator)) {
    return fail('originator', 'originator', `unknown originator "${originator}" (47 CFR 11.31(d) allows ${KNOWN_ORIGINATORS.join(', ')})`);
  }
  if (!sep(cur, C_DASH, 'originator', 'originator', 'the originator')) return failed(cur);

  // EEE-
  const eventAt = cur.i;
  if (!letters3(cur, 'event', 'event', 'the event code')) return failed(cur);
  if (!sep(cur, C_DASH, 'event', 'event', 'the event code')) return failed(cur);

  // PSSCCC(-PSSCCC)*+
  const locStarts: number[] = [];
  for (;;) {
    const idx = locStarts.length;
    const field = `locations[${idx}]`;
    const at = cur.i;
    if (digits(cur, 6, 'location', field, `location ${idx + 1}`) < 0) return failed(cur);
    locStarts.push(at);
    if (cur.i >= n) return fail('truncated', field, `header ends after location ${idx + 1}`);
    const c = s.charCodeAt(cur.i);
    if (c === C_PLUS) {
      cur.i++;
      break;
    }
    if (c !== C_DASH) {
      return fail('location', field, `location ${idx + 1} must be 6 digits followed by '-' or '+'; found ${show(c)} at position ${cur.i}`);
    }
    if (locStarts.length >= MAX_LOCATIONS) {
      return fail('location-count', 'locations', `more than ${MAX_LOCATIONS} locations`);
    }
    cur.i++;
  }

  // TTTT-
  const purgeHours = digits(cur, 2, 'purge', 'purge', 'the purge time (+HHMM)');
  if (purgeHours < 0) return failed(cur);
  const purgeMinutes = digits(cur, 2, 'purge', 'purge', 'the purge time (+HHMM)');
  if (purgeMinutes < 0) return failed(cur);
  if (purgeMinutes > 59) return fail('purge', 'purge', `purge minutes ${purgeMinutes} exceed 59`);
  if (!sep(cur, C_DASH, 'purge', 'purge', 'the purge time')) return failed(cur);

  // JJJHHMM-
  const day = digits(cur, 3, 'issued', 'issued.day', 'the issue day (JJJ)');
  if (day < 0) return failed(cur);
  if (day < 1 || day > 366) return fail('issued', 'issued.day', `issue day ${day} is outside 001-366`);
  const hour = digits(cur, 2, 'issued', 'issued.hour', 'the issue hour');
  if (hour < 0) return failed(cur);
  if (hour > 23) return fail('issued', 'issued.hour', `issue hour ${hour} is outside 00-23`);
  const minute = digits(cur, 2, 'issued', 'issued.minute', 'the issue minute');
  if (minute < 0) return failed(cur);
  if (minute > 59) return fail('issued', 'issued.minute', `issue minute ${minute} is outside 00-59`);
  if (!sep(cur, C_DASH, 'issued', 'issued', 'the issue time')) return failed(cur);

  // LLLLLLLL- (3 to 8 characters accepted; see the note at the top)
  const callAt = cur.i;
  for (;;) {
    if (cur.i >= n) return fail('truncated', 'callsign', 'header ends inside the station id');
    const c = s.charCodeAt(cur.i);
    if (c === C_DASH) break;
    if (!isCallsignChar(c)) {
      return fail('callsign', 'callsign', `the station id takes upper-case letters, digits, '/' and space; found ${show(c)} at position ${cur.i}`);
    }
    if (cur.i - callAt >= CALLSIGN_LENGTH) return fail('callsign', 'callsign', `the station id is longer than ${CALLSIGN_LENGTH} characters`);
    cur.i++;
  }
  const callLen = cur.i - callAt;
  if (callLen < MIN_CALLSIGN_LENGTH) return fail('callsign', 'callsign', `the station id needs ${MIN_CALLSIGN_LENGTH} to ${CALLSIGN_LENGTH} characters; found ${callLen}`);
  cur.i++; // the final '-'

  if (cur.i !== n) {
    // "KEAX-NWS-": more id characters and a '-' after the first one is a '-' inside the id.
    let k = cur.i;
    while (k < n && isCallsignChar(s.charCodeAt(k))) k++;
    if (k > cur.i && k === n - 1 && s.charCodeAt(k) === C_DASH) {
      return fail('callsign', 'callsign', `the station id cannot hold '-' (found at position ${cur.i - 1}); the header is ambiguous`);
    }
    return fail('trailing', 'trailing', `${n - cur.i} unexpected character(s) after the final '-'`);
  }

  const nonStandard = !isStandardPurge(purgeHours, purgeMinutes);
  const deviations: HeaderDeviation[] = [];
  if (nonStandard) deviations.push('nonstandard_purge');
  if (callLen !== CALLSIGN_LENGTH) deviations.push('nonconforming_sender_id');
  const locations = new Array<string>(locStarts.length);
  for (let k = 0; k < locStarts.length; k++) locations[k] = s.slice(locStarts[k], locStarts[k] + 6);
  return {
    ok: true,
    header: {
      raw: s,
      originator,
      event: s.slice(eventAt, eventAt + 3),
      locations,
      purge: { hours: purgeHours, minutes: purgeMinutes, nonStandard },
      issued: { day, hour, minute },
      callsign: s.slice(callAt, callAt + callLen),
      deviations,
    },
  };
}
