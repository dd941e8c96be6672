export { SameReceiver, type SameReceiverOptions } from './receiver';
export { estimateBitErrorRate } from './confidence';
export type { SameEvent, LinkState } from './events';
export { encodeSame, encodeBurst, writeBurst, burstLength, writeAttention, type SameEncodeOptions, type BurstOptions, type AttentionKind } from './encoder';
export { SAME_BAUD, MARK_HZ, SPACE_HZ, NWR_TONE_HZ, TWO_TONE_LOW_HZ, TWO_TONE_HIGH_HZ, PREAMBLE_BYTE, PREAMBLE_BYTES, EOM_TEXT } from './constants';
export type { SameHeader } from '../alerts/header';
