import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseSourceUri, SourceUri, SourceUriError } from '../../electron/contract';
import { formatRtlUri, NOAA_WEATHER_CHANNELS, parseHz, parseRtlUri, RTL_SAMPLE_RATES, type RtlSpec } from '../../electron/contract/sources/rtl-uri';

function partOf(uri: string): string {
  try {
    parseSourceUri(uri);
  } catch (err) {
    expect(err).toBeInstanceOf(SourceUriError);
    return (err as SourceUriError).part;
  }
  throw new Error(`${uri} was accepted`);
}

describe('rtlsdr: URIs', () => {
  it('parses the documented example with defaults filled in', () => {
    const spec = parseSourceUri('rtlsdr:?freq=162550000&rate=1024000&gain=auto&mode=nfm') as RtlSpec;
    expect(spec).toEqual({
      kind: 'rtlsdr',
      host: null,
      port: null,
      device: '0',
      freqHz: 162_550_000,
      rateHz: 1_024_000,
      mode: 'nfm',
      gainDb: null,
      ppm: 0,
      agc: false,
      biasTee: false,
      offsetHz: 256_000,
      squelch: 'auto',
      deemphasisUs: 0,
    });
  });

  it('takes every optional parameter', () => {
    const spec = parseSourceUri('rtlsdr:?freq=162.4M&rate=2.048M&gain=38.6&mode=nfm&ppm=-12&device=00000001&agc=0&biastee=1&offset=-300k&squelch=-45&deemph=750') as RtlSpec;
    expect(spec).toMatchObject({ freqHz: 162_400_000, rateHz: 2_048_000, gainDb: 38.6, ppm: -12, device: '00000001', biasTee: true, offsetHz: -300_000, squelch: -45, deemphasisUs: 750 });
  });

  it('accepts NOAA channel names and units for freq', () => {
    for (const c of NOAA_WEATHER_CHANNELS) expect((parseSourceUri(`rtlsdr:?freq=${c.id.toLowerCase()}`) as RtlSpec).freqHz).toBe(c.freqHz);
    expect(parseHz('162.55MHz')).toBe(162_550_000);
    expect(parseHz('1024k')).toBe(1_024_000);
    expect(parseHz('1.7G')).toBe(1_700_000_000);
    expect(parseHz('abc')).toBeNull();
  });

  it('picks the mode from the band when it is not given, with that mode’s de-emphasis and squelch', () => {
    const fm = parseSourceUri('rtlsdr:?freq=98.1M') as RtlSpec;
    expect(fm).toMatchObject({ mode: 'wfm', deemphasisUs: 75, squelch: 'off' });
    expect(parseSourceUri('rtlsdr:?freq=wx3')).toMatchObject({ mode: 'nfm', squelch: 'auto' });
  });

  it.each([
    ['rtlsdr:?rate=1024000', 'freq'],
    ['rtlsdr:?freq=10M', 'freq'],
    ['rtlsdr:?freq=2000M', 'freq'],
    ['rtlsdr:?freq=fast', 'freq'],
    ['rtlsdr:?freq=wx9', 'freq'],
    ['rtlsdr:?freq=162.55M&rate=1000000', 'rate'],
    ['rtlsdr:?freq=98.1M&rate=250000&mode=wfm', 'rate'],
    ['rtlsdr:?freq=162.55M&gain=99', 'gain'],
    ['rtlsdr:?freq=162.55M&gain=loud', 'gain'],
    ['rtlsdr:?freq=162.55M&mode=am', 'mode'],
    ['rtlsdr:?freq=162.55M&ppm=1.5', 'ppm'],
    ['rtlsdr:?freq=162.55M&ppm=5000', 'ppm'],
    ['rtlsdr:?freq=162.55M&device=a b', 'device'],
    ['rtlsdr:?freq=162.55M&agc=1', 'agc'],
    ['rtlsdr:?freq=162.55M&biastee=maybe', 'biastee'],
    ['rtlsdr:?freq=162.55M&offset=600k', 'offset'],
    ['rtlsdr:?freq=24.1M&offset=256k', 'offset'],
    ['rtlsdr:?freq=162.55M&squelch=5', 'squelch'],
    ['rtlsdr:?freq=162.55M&deemph=-1', 'deemph'],
    ['rtlsdr:?freq=162.55M&frequency=1', 'frequency'],
    ['rtlsdr:?freq=162.55M&freq=162.4M', 'freq'],
    ['rtlsdr:1?freq=162.55M', 'device'],
    ['rtlsdr:?freq=98.1M&mode=wfm&offset=450k', 'offset'],
  ])('%s is refused naming %s', (uri, part) => {
    expect(partOf(uri)).toBe(part);
  });

  it('messages say what to do', () => {
    expect(() => parseSourceUri('rtlsdr:?freq=162.55M&rate=1000000')).toThrow(/use one of 250000, 1024000/);
    expect(() => parseSourceUri('rtlsdr:?freq=162.55M&agc=1')).toThrow(/rtltcp/);
    expect(() => parseSourceUri('rtlsdr:?freq=10M')).toThrow(/24-1766 MHz/);
  });
});

describe('rtltcp:// URIs', () => {
  it('parses host, port and parameters', () => {
    const spec = parseSourceUri('rtltcp://192.168.1.20:1234?freq=162550000&rate=1024000&mode=nfm&gain=20.7&ppm=3&agc=1&biastee=1') as RtlSpec;
    expect(spec).toMatchObject({ kind: 'rtltcp', host: '192.168.1.20', port: 1234, device: null, gainDb: 20.7, ppm: 3, agc: true, biasTee: true });
  });

  it('defaults the port to 1234 and accepts IPv6 and names', () => {
    expect(parseSourceUri('rtltcp://sdr.local?freq=wx1')).toMatchObject({ host: 'sdr.local', port: 1234 });
    expect(parseSourceUri('rtltcp://[::1]:7373?freq=wx1')).toMatchObject({ host: '::1', port: 7373 });
  });

  it.each([
    ['rtltcp:?freq=162.55M', 'host'],
    ['rtltcp://?freq=162.55M', 'host'],
    ['rtltcp://host:99999?freq=162.55M', 'port'],
    ['rtltcp://host:?freq=162.55M', 'port'],
    ['rtltcp://user:pw@host:1234?freq=162.55M', 'host'],
    ['rtltcp://host:1234/path?freq=162.55M', 'host'],
    ['rtltcp://host:1234?freq=162.55M&device=1', 'device'],
    ['rtltcp://host:1234', 'freq'],
  ])('%s is refused naming %s', (uri, part) => {
    expect(partOf(uri)).toBe(part);
  });

  it('the zod SourceUri schema refuses with the part named', () => {
    const r = SourceUri.safeParse('rtltcp://host:1234?freq=162.55M&rate=7');
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/^rate: /);
    expect(SourceUri.safeParse('rtltcp://host:1234?freq=162.55M').success).toBe(true);
  });
});

describe('formatRtlUri', () => {
  it('round-trips any valid spec', () => {
    const spec = fc.record({
      kind: fc.constantFrom('rtlsdr' as const, 'rtltcp' as const),
      freq: fc.integer({ min: 30_000_000, max: 1_700_000_000 }),
      rate: fc.constantFrom(...RTL_SAMPLE_RATES.filter((r) => r >= 1_000_000)),
      mode: fc.constantFrom('nfm' as const, 'wfm' as const),
      gain: fc.option(fc.integer({ min: 0, max: 496 }).map((g) => g / 10)),
      ppm: fc.integer({ min: -1000, max: 1000 }),
      biastee: fc.boolean(),
      agc: fc.boolean(),
      offsetFrac: fc.double({ min: -0.3, max: 0.3, noNaN: true }),
      squelch: fc.oneof(fc.constantFrom('auto' as const, 'off' as const), fc.integer({ min: -120, max: 0 })),
      deemph: fc.integer({ min: 0, max: 1000 }),
    });
    fc.assert(
      fc.property(spec, (s) => {
        const offset = Math.round(s.offsetFrac * s.rate);
        const q = new URLSearchParams({ freq: String(s.freq), rate: String(s.rate), mode: s.mode, ppm: String(s.ppm), biastee: s.biastee ? '1' : '0', offset: String(offset), squelch: String(s.squelch), deemph: String(s.deemph) });
        if (s.gain !== null) q.set('gain', String(s.gain));
        if (s.kind === 'rtltcp') q.set('agc', s.agc ? '1' : '0');
        const uri = s.kind === 'rtlsdr' ? `rtlsdr:?${q}` : `rtltcp://example.org:1234?${q}`;
        const parsed = parseSourceUri(uri) as RtlSpec;
        expect(parseSourceUri(formatRtlUri(parsed))).toEqual(parsed);
      }),
      { numRuns: 200 },
    );
  });

  it('writes canonical URIs', () => {
    expect(formatRtlUri(parseRtlUri('rtlsdr', '?freq=wx1'))).toBe('rtlsdr:?freq=162550000&rate=1024000&mode=nfm&gain=auto');
    expect(formatRtlUri(parseRtlUri('rtltcp', '//[::1]:99?freq=wx1&agc=1'))).toBe('rtltcp://[::1]:99?freq=162550000&rate=1024000&mode=nfm&gain=auto&agc=1');
  });
});
