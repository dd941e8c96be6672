import { z } from 'zod';
import { parseAlsaUri, type AlsaSpec } from './alsa-uri';
import { parseDemoUri, type DemoSpec } from './demo-uri';
import { parseFileUri, type FileSpec } from './file-uri';
import { parseHttpUri, type HttpSpec } from './http-uri';
import { parseRtlUri, type RtlSpec } from './rtl-uri';
import { maskUri } from './uri-secrets';
import { SourceUriError } from './uri-util';

export { SourceUriError } from './uri-util';
export { hasMaskedSecret, hasUriSecret, joinUriSecret, MASK as URI_SECRET_MASK, maskUri, restoreUriSecrets, splitUriSecret } from './uri-secrets';
export type { AlsaSpec, DemoSpec, FileSpec, HttpSpec, RtlSpec };
export { AlsaDeviceInfo } from './alsa-uri';
export { formatRtlUri, NOAA_WEATHER_CHANNELS, RTL_SAMPLE_RATES } from './rtl-uri';

/**
 * Source URIs name a source on the command line and in settings. Parsing is pure so the
 * renderer, the engine and the CLI agree on what is valid; each kind's grammar has its module.
 */
export type SourceSpec = DemoSpec | FileSpec | AlsaSpec | RtlSpec | HttpSpec;
export type SourceKind = SourceSpec['kind'];

export function parseSourceUri(uri: string): SourceSpec {
  const m = /^([a-z][a-z0-9+.-]*):(.*)$/is.exec(uri.trim());
  if (!m) throw new SourceUriError('scheme', `"${uri}" has no scheme; use demo:, file:PATH, alsa:DEVICE, rtlsdr:, rtltcp://, http(s)://`);
  const scheme = m[1]!.toLowerCase();
  const rest = m[2]!;
  switch (scheme) {
    case 'demo':
      return parseDemoUri(rest);
    case 'file':
      return parseFileUri(rest);
    case 'alsa':
      return parseAlsaUri(rest);
    case 'rtlsdr':
    case 'rtltcp':
      return parseRtlUri(scheme, rest);
    case 'http':
    case 'https':
      return parseHttpUri(scheme, rest);
    default:
      throw new SourceUriError('scheme', `unknown source scheme "${scheme}:"; known: demo:, file:, alsa:, rtlsdr:, rtltcp://, http(s)://`);
  }
}

/** A zod string that refuses what parseSourceUri refuses, naming the part at fault. */
export const SourceUri = z
  .string()
  .min(1)
  .max(2048)
  .superRefine((value, ctx) => {
    try {
      parseSourceUri(value);
    } catch (err) {
      const message = err instanceof SourceUriError ? `${err.part}: ${err.message}` : String(err);
      ctx.addIssue({ code: 'custom', message });
    }
  });

/** URIs may carry credentials (user:password@, ?token=); never show them. */
export function redactUri(uri: string): string {
  return maskUri(uri);
}
