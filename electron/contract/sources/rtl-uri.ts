import { boolParam, checkKnownParams, splitQuery, SourceUriError } from './uri-util';

/**
 * RTL-SDR sources, two transports sharing one demodulator:
 *   rtlsdr:?freq=162550000&rate=1024000&gain=auto&mode=nfm[&ppm=0&device=0&biastee=0&offset=..&squelch=..&deemph=..]
 *   rtltcp://HOST[:PORT]?freq=...&rate=...&mode=nfm|wfm[&gain=..&ppm=..&agc=..&biastee=..&offset=..&squelch=..&deemph=..]
 *
 * Frequencies (freq, rate, offset) take plain Hz or a k/M/G suffix (162.55M, 1024k); freq also
 * takes a NOAA Weather Radio channel name (wx1..wx7).
 */
export interface RtlSpec {
  kind: 'rtlsdr' | 'rtltcp';
  /** rtltcp only. */
  host: string | null;
  port: number | null;
  /** rtlsdr only: device index or serial, as rtl_sdr -d takes it. */
  device: string | null;
  /** The channel's frequency (what the user listens to), not the tuner's centre. */
  freqHz: number;
  rateHz: number;
  mode: 'nfm' | 'wfm';
  /** Tuner gain in dB, or null for the tuner's automatic gain. */
  gainDb: number | null;
  ppm: number;
  /** RTL2832 digital AGC (rtltcp only; rtl_sdr has no switch for it). */
  agc: boolean;
  biasTee: boolean;
  /** The tuner is set to freqHz - offsetHz so the channel sits away from the DC spike. */
  offsetHz: number;
  /**
   * 'auto' (carrier detect), 'off', or an open threshold in dBFS. Default: auto for NFM; off for
   * WFM, where stations are strong and multipath would chop the audio.
   */
  squelch: 'auto' | 'off' | number;
  /** De-emphasis time constant in µs (0 = flat). */
  deemphasisUs: number;
}

/** NOAA Weather Radio channels, by their conventional WX numbers. */
export const NOAA_WEATHER_CHANNELS = [
  { id: 'WX1', freqHz: 162_550_000 },
  { id: 'WX2', freqHz: 162_400_000 },
  { id: 'WX3', freqHz: 162_475_000 },
  { id: 'WX4', freqHz: 162_425_000 },
  { id: 'WX5', freqHz: 162_450_000 },
  { id: 'WX6', freqHz: 162_500_000 },
  { id: 'WX7', freqHz: 162_525_000 },
] as const;

/** Sample rates the demodulator has decimation plans for (rtl-sdr's stable ranges). */
export const RTL_SAMPLE_RATES = [250_000, 1_024_000, 1_200_000, 1_440_000, 1_536_000, 1_800_000, 1_920_000, 2_048_000, 2_400_000, 2_560_000, 2_880_000, 3_200_000] as const;

/** One-sided channel filter passband per mode; the channel must fit inside ±rate/2 around the offset. */
export const RTL_CHANNEL_HALF_WIDTH_HZ = { nfm: 8_000, wfm: 100_000 } as const;

export const RTL_FREQ_MIN_HZ = 24_000_000;
export const RTL_FREQ_MAX_HZ = 1_766_000_000;
export const RTL_TCP_DEFAULT_PORT = 1234;
/** R820T's top gain step is 49.6 dB; E4000 reaches 42. */
export const RTL_GAIN_MAX_DB = 50;

const COMMON_PARAMS = ['freq', 'rate', 'gain', 'mode', 'ppm', 'biastee', 'offset', 'squelch', 'deemph'];
const LOCAL_PARAMS = [...COMMON_PARAMS, 'device', 'agc'];
const TCP_PARAMS = [...COMMON_PARAMS, 'agc'];
const UNIT: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9 };

/** "162.55M", "1024k", "162550000", "162.55 MHz" -> Hz; null when it is not a frequency. */
export function parseHz(text: string): number | null {
  const m = /^\s*([+-]?\d+(?:\.\d+)?)\s*([kmg]?)(?:hz)?\s*$/i.exec(text);
  if (!m) return null;
  return Math.round(Number(m[1]) * UNIT[m[2]!.toLowerCase()]!);
}

function hzParam(value: string | null, part: string): number | null {
  if (value === null) return null;
  const hz = parseHz(value);
  if (hz === null) throw new SourceUriError(part, `${part} must be a frequency in Hz or with k/M/G (e.g. 162.55M), got "${value}"`);
  return hz;
}

function parseFreq(value: string | null): number {
  if (value === null) throw new SourceUriError('freq', 'freq is required, e.g. freq=162.55M or freq=wx1 (NOAA channels wx1..wx7)');
  const wx = NOAA_WEATHER_CHANNELS.find((c) => c.id === value.trim().toUpperCase());
  if (wx) return wx.freqHz;
  const hz = hzParam(value, 'freq')!;
  if (hz < RTL_FREQ_MIN_HZ || hz > RTL_FREQ_MAX_HZ) {
    throw new SourceUriError('freq', `freq ${value} is outside the RTL-SDR tuning range 24-1766 MHz`);
  }
  return hz;
}

function parseRate(value: string | null): number {
  if (value === null) return 1_024_000;
  const hz = hzParam(value, 'rate')!;
  if (!(RTL_SAMPLE_RATES as readonly number[]).includes(hz)) {
    throw new SourceUriError('rate', `unsupported rate ${value}; use one of ${RTL_SAMPLE_RATES.join(', ')}`);
  }
  return hz;
}

function parseGain(value: string | null): number | null {
  if (value === null || value.trim().toLowerCase() === 'auto') return null;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > RTL_GAIN_MAX_DB) {
    throw new SourceUriError('gain', `gain must be "auto" or dB from 0 to ${RTL_GAIN_MAX_DB}, got "${value}"`);
  }
  // rtl_tcp takes tenths of a dB; keep what the wire can say.
  return Math.round(n * 10) / 10;
}

function parseMode(value: string | null, freqHz: number): 'nfm' | 'wfm' {
  if (value === null) return freqHz >= 64_000_000 && freqHz <= 108_000_000 ? 'wfm' : 'nfm';
  const v = value.trim().toLowerCase();
  if (v === 'nfm' || v === 'wfm') return v;
  throw new SourceUriError('mode', `mode must be nfm (NOAA Weather Radio, two-way) or wfm (broadcast FM), got "${value}"`);
}

function parseInt32(value: string | null, part: string, fallback: number, min: number, max: number): number {
  if (value === null) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new SourceUriError(part, `${part} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

function parseSquelch(value: string | null, mode: 'nfm' | 'wfm'): RtlSpec['squelch'] {
  if (value === null) return mode === 'wfm' ? 'off' : 'auto';
  const v = value.trim().toLowerCase();
  if (v === 'auto' || v === 'off') return v;
  const n = Number(v);
  if (v === '' || !Number.isFinite(n) || n < -120 || n > 0) {
    throw new SourceUriError('squelch', `squelch must be auto, off or a level in dBFS from -120 to 0, got "${value}"`);
  }
  return n;
}

function parseHostPort(body: string): { host: string; port: number } {
  if (!body.startsWith('//')) throw new SourceUriError('host', 'rtltcp needs a host: rtltcp://HOST:PORT?freq=...');
  const authority = body.slice(2).replace(/\/$/, '');
  if (authority.includes('/')) throw new SourceUriError('host', `rtltcp://${authority} has a path; rtl_tcp has none, use rtltcp://HOST:PORT?freq=...`);
  if (authority.includes('@')) throw new SourceUriError('host', 'rtl_tcp has no authentication; remove the user:password@ part');
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d*))?$/i.exec(authority);
  if (!m || !m[1]) throw new SourceUriError('host', `"${authority}" is not HOST or HOST:PORT (IPv6 in brackets: [::1]:1234)`);
  const host = m[1].startsWith('[') ? m[1].slice(1, -1) : m[1];
  let port = RTL_TCP_DEFAULT_PORT;
  if (m[2] !== undefined) {
    port = Number(m[2]);
    if (m[2] === '' || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new SourceUriError('port', `port must be 1-65535, got "${m[2]}"`);
    }
  }
  return { host, port };
}

export function parseRtlUri(scheme: 'rtlsdr' | 'rtltcp', rest: string): RtlSpec {
  const { body, query } = splitQuery(rest);
  checkKnownParams(query, scheme === 'rtlsdr' ? LOCAL_PARAMS : TCP_PARAMS);
  for (const key of new Set(query.keys())) {
    if (query.getAll(key).length > 1) throw new SourceUriError(key, `${key} is given more than once`);
  }
  let host: string | null = null;
  let port: number | null = null;
  let device: string | null = null;
  if (scheme === 'rtltcp') {
    ({ host, port } = parseHostPort(body));
  } else {
    if (body !== '' && body !== '//') {
      throw new SourceUriError('device', `rtlsdr takes no path ("${body}"); pick the dongle with device=N or device=SERIAL`);
    }
    device = query.get('device') ?? '0';
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(device)) throw new SourceUriError('device', `device must be an index (0, 1, ...) or a serial number, got "${device}"`);
  }
  const freqHz = parseFreq(query.get('freq'));
  const rateHz = parseRate(query.get('rate'));
  const mode = parseMode(query.get('mode'), freqHz);
  if (mode === 'wfm' && rateHz < 1_000_000) throw new SourceUriError('rate', `wfm needs rate 1024000 or more (a broadcast channel is 200 kHz wide), got ${rateHz}`);
  const half = RTL_CHANNEL_HALF_WIDTH_HZ[mode];
  const offsetHz = hzParam(query.get('offset'), 'offset') ?? rateHz / 4;
  if (Math.abs(offsetHz) + half > rateHz / 2) {
    throw new SourceUriError('offset', `offset ${offsetHz} Hz puts the ${mode} channel (±${half / 1000} kHz) outside the ±${rateHz / 2000} kHz the rate covers; keep |offset| <= ${rateHz / 2 - half}`);
  }
  const tuned = freqHz - offsetHz;
  if (tuned < RTL_FREQ_MIN_HZ || tuned > RTL_FREQ_MAX_HZ) {
    throw new SourceUriError('offset', `offset ${offsetHz} Hz would tune the dongle to ${tuned} Hz, outside 24-1766 MHz`);
  }
  const agc = boolParam(query.get('agc'), 'agc', false);
  if (agc && scheme === 'rtlsdr') {
    throw new SourceUriError('agc', 'agc=1 (RTL2832 digital AGC) is not available through rtl_sdr; run rtl_tcp and use rtltcp://, or set gain=auto');
  }
  return {
    kind: scheme,
    host,
    port,
    device,
    freqHz,
    rateHz,
    mode,
    gainDb: parseGain(query.get('gain')),
    ppm: parseInt32(query.get('ppm'), 'ppm', 0, -1000, 1000),
    agc,
    biasTee: boolParam(query.get('biastee'), 'biastee', false),
    offsetHz,
    squelch: parseSquelch(query.get('squelch'), mode),
    deemphasisUs: parseInt32(query.get('deemph'), 'deemph', mode === 'wfm' ? 75 : 0, 0, 1000),
  };
}

/** The canonical URI of a spec (parseRtlUri(formatRtlUri(s)) equals s). */
export function formatRtlUri(spec: RtlSpec): string {
  const q = new URLSearchParams();
  q.set('freq', String(spec.freqHz));
  q.set('rate', String(spec.rateHz));
  q.set('mode', spec.mode);
  q.set('gain', spec.gainDb === null ? 'auto' : String(spec.gainDb));
  if (spec.ppm !== 0) q.set('ppm', String(spec.ppm));
  if (spec.kind === 'rtlsdr' && spec.device !== null && spec.device !== '0') q.set('device', spec.device);
  if (spec.kind === 'rtltcp' && spec.agc) q.set('agc', '1');
  if (spec.biasTee) q.set('biastee', '1');
  if (spec.offsetHz !== spec.rateHz / 4) q.set('offset', String(spec.offsetHz));
  if (spec.squelch !== (spec.mode === 'wfm' ? 'off' : 'auto')) q.set('squelch', String(spec.squelch));
  if (spec.deemphasisUs !== (spec.mode === 'wfm' ? 75 : 0)) q.set('deemph', String(spec.deemphasisUs));
  if (spec.kind === 'rtlsdr') return `rtlsdr:?${q.toString()}`;
  const host = spec.host!.includes(':') ? `[${spec.host}]` : spec.host;
  return `rtltcp://${host}:${spec.port ?? RTL_TCP_DEFAULT_PORT}?${q.toString()}`;
}
