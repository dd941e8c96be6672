/**
 * SAME physical-layer constants (47 CFR 11.31(a)(1), NWS NWR SAME spec). Exact values rather
 * than the rounded ones in the rule: the rule's 520.83 bit/s is 3125/6, and the two tones sit
 * at exactly 4 and 3 cycles per bit, which is what keeps the tones orthogonal over one bit.
 */
export const SAME_BAUD = 3125 / 6; // 520.833... bit/s
export const MARK_HZ = 4 * SAME_BAUD; // 2083.33 Hz, bit 1
export const SPACE_HZ = 3 * SAME_BAUD; // 1562.5 Hz, bit 0
export const PREAMBLE_BYTE = 0xab;
export const PREAMBLE_BYTES = 16;
export const HEADER_PREFIX = 'ZCZC';
export const EOM_TEXT = 'NNNN';

/** Attention signals: NWR single tone, broadcast EAS two-tone. */
export const NWR_TONE_HZ = 1050;
export const TWO_TONE_LOW_HZ = 853;
export const TWO_TONE_HIGH_HZ = 960;

/** Longest legal header: "ZCZC-ORG-EEE-" + 31 locations + "+TTTT-JJJHHMM-LLLLLLLL-" = 252 chars. */
export const MAX_HEADER_CHARS = 252;
/** "+TTTT-JJJHHMM-LLLLLLLL-" after the first '+': the header ends this many chars after it. */
export const TAIL_AFTER_PLUS = 23;
