import { SourceUriError } from './uri-util';

/** rtlsdr:?freq=...  (local dongle through rtl_sdr) and rtltcp://HOST:PORT?freq=... */
export interface RtlSpec {
  kind: 'rtlsdr' | 'rtltcp';
  host: string | null;
  port: number | null;
  freqHz: number;
  rateHz: number;
  mode: 'nfm' | 'wfm';
}

// Owned by the sources issue (RTL-SDR helper): implement the grammar.
export function parseRtlUri(scheme: 'rtlsdr' | 'rtltcp', _rest: string): RtlSpec {
  throw new SourceUriError('scheme', `${scheme}: sources are not supported yet`);
}
