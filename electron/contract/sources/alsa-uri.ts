import { z } from 'zod';
import { checkKnownParams, numberParam, SourceUriError, splitQuery } from './uri-util';

/**
 * alsa:DEVICE[?rate=R&channels=C] — an ALSA capture PCM (alsa:default, alsa:hw:1,0,
 * alsa:plughw:CARD=Device,DEV=0, alsa:dsnoop:CARD=PCH,DEV=0, ...).
 * rate/channels are what the device is opened with; the engine always converts to the bus
 * (22050 Hz mono). Leave them out for devices that convert themselves (default, plughw:,
 * pulse); give the device's native format for raw hw: devices, which refuse others.
 */
export interface AlsaSpec {
  kind: 'alsa';
  device: string;
  /** Capture rate asked of the device, Hz. */
  rate: number;
  /** Capture channels asked of the device; more than one is mixed down to mono. */
  channels: number;
}

export const ALSA_DEFAULT_RATE = 22050;
export const ALSA_DEFAULT_CHANNELS = 1;

// ALSA PCM names are identifiers, colons, commas, '=' and quotes (plug:'hw:1,0'). Anything
// else (spaces, control characters, a leading '-') is refused so a name can never turn into
// an option of the capture program.
const DEVICE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_:,=.'"{}-]*$/;

export function parseAlsaUri(rest: string): AlsaSpec {
  const { body, query } = splitQuery(rest);
  checkKnownParams(query, ['rate', 'channels']);
  let device = body;
  try {
    device = decodeURIComponent(body);
  } catch {
    throw new SourceUriError('device', `ALSA device "${body}" is not valid percent-encoding`);
  }
  if (!device) throw new SourceUriError('device', 'alsa: needs a device, e.g. alsa:default or alsa:plughw:1,0 (see the device list)');
  if (device.length > 128 || !DEVICE_NAME.test(device)) {
    throw new SourceUriError('device', `"${device}" is not an ALSA device name; pick one from the device list (e.g. default, plughw:CARD=Device,DEV=0)`);
  }
  const rate = numberParam(query.get('rate'), 'rate', ALSA_DEFAULT_RATE, 8000, 384000);
  const channels = numberParam(query.get('channels'), 'channels', ALSA_DEFAULT_CHANNELS, 1, 32);
  if (!Number.isInteger(rate)) throw new SourceUriError('rate', `rate must be a whole number of Hz, got "${query.get('rate')}"`);
  if (!Number.isInteger(channels)) throw new SourceUriError('channels', `channels must be a whole number, got "${query.get('channels')}"`);
  return { kind: 'alsa', device, rate, channels };
}

/** The URI for a spec; parseAlsaUri(formatAlsaUri(s).slice(5)) gives s back. */
export function formatAlsaUri(spec: Omit<AlsaSpec, 'kind'>): string {
  const params = new URLSearchParams();
  if (spec.rate !== ALSA_DEFAULT_RATE) params.set('rate', String(spec.rate));
  if (spec.channels !== ALSA_DEFAULT_CHANNELS) params.set('channels', String(spec.channels));
  const q = params.toString();
  return `alsa:${spec.device}${q ? `?${q}` : ''}`;
}

/** One capture device as the picker shows it (from `arecord -L` and `arecord -l`). */
export const AlsaDeviceInfo = z.object({
  /** The PCM name to capture from, e.g. "plughw:CARD=Device,DEV=0" or "default". */
  name: z.string(),
  /** The source URI for this device ("alsa:" + name). */
  uri: z.string(),
  /** Human description, e.g. "USB Audio Device, USB Audio". */
  description: z.string(),
  /** Card id/number/name and device number when the PCM is tied to one card (hw-like names). */
  cardId: z.string().nullable(),
  card: z.number().int().nullable(),
  cardName: z.string().nullable(),
  device: z.number().int().nullable(),
  /** plughw/hw/default/sysdefault/dsnoop/... or the plain name for virtual PCMs. */
  plugin: z.string(),
  /** True for the names that convert rate/format themselves (safe to open at 22050 Hz mono). */
  converts: z.boolean(),
});
export type AlsaDeviceInfo = z.infer<typeof AlsaDeviceInfo>;
