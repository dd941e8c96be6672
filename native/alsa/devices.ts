import { SupervisedChild } from '../process/supervised-child';
import { AlsaError, ARECORD_MISSING_HINT, arecordPath } from './errors';

import type { AlsaDeviceInfo } from '../../electron/contract/sources/alsa-uri';

/** One capture device for the picker: the contract's shape, so the engine passes it through. */
export type AlsaDevice = AlsaDeviceInfo;

/** A card from `arecord -l`: "card 1: Device [USB Audio Device], device 0: USB Audio [USB Audio]". */
export interface AlsaCard {
  card: number;
  id: string;
  name: string;
  device: number;
  deviceName: string;
}

// Rate converters, mixers and discard sinks arecord -L lists that are no capture input.
const NOT_INPUTS = new Set(['null', 'lavrate', 'samplerate', 'samplerate_best', 'samplerate_medium', 'samplerate_order', 'samplerate_linear', 'speexrate', 'speexrate_best', 'speexrate_medium', 'speex', 'upmix', 'vdownmix', 'dmix']);
const CONVERTING = new Set(['default', 'sysdefault', 'plughw', 'plug', 'pulse', 'pipewire', 'jack']);
const OUTPUT_ONLY = new Set(['surround21', 'surround40', 'surround41', 'surround50', 'surround51', 'surround71', 'iec958', 'hdmi', 'dmix', 'usbstream']);

export function parseCardList(text: string): AlsaCard[] {
  const cards: AlsaCard[] = [];
  const re = /^card (\d+): (\S+) \[(.*?)\], device (\d+): (.*?) \[(.*?)\]/gm;
  for (const m of text.matchAll(re)) {
    cards.push({ card: Number(m[1]), id: m[2]!, name: m[3]!, device: Number(m[4]), deviceName: m[6] || m[5]! });
  }
  return cards;
}

/** `arecord -L`: a PCM name at column 0, its description on the indented lines below. */
export function parsePcmList(text: string): Array<{ name: string; description: string }> {
  const out: Array<{ name: string; description: string }> = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    if (/^\s/.test(line)) {
      const last = out.at(-1);
      if (last) last.description = last.description ? `${last.description} — ${line.trim()}` : line.trim();
    } else {
      out.push({ name: line.trim(), description: '' });
    }
  }
  return out;
}

/** Joins the two listings into the picker's list: capture PCMs with their card, default first. */
export function buildDeviceList(pcmText: string, cardText: string): AlsaDevice[] {
  const cards = parseCardList(cardText);
  const devices: AlsaDevice[] = [];
  const seen = new Set<string>();
  for (const { name, description } of parsePcmList(pcmText)) {
    const plugin = name.split(':')[0]!;
    if (NOT_INPUTS.has(plugin) || OUTPUT_ONLY.has(plugin) || seen.has(name)) continue;
    seen.add(name);
    devices.push(describe(name, plugin, description, cards));
  }
  // Cards arecord -L does not name (no hint in the config) still get a converting entry.
  for (const c of cards) {
    const name = `plughw:CARD=${c.id},DEV=${c.device}`;
    const known = devices.some((d) => d.card === c.card && d.device === c.device && d.plugin === 'plughw');
    if (known || seen.has(name)) continue;
    seen.add(name);
    devices.push(describe(name, 'plughw', `${c.name}, ${c.deviceName} — Hardware device with all software conversions`, cards));
  }
  const rank = (d: AlsaDevice): number => (d.name === 'default' ? 0 : d.plugin === 'plughw' ? 1 : d.converts ? 2 : 3);
  return devices.map((d, i) => ({ d, i })).sort((a, b) => rank(a.d) - rank(b.d) || a.i - b.i).map(({ d }) => d);
}

function describe(name: string, plugin: string, description: string, cards: AlsaCard[]): AlsaDevice {
  const args = name.slice(plugin.length + 1);
  let card: AlsaCard | undefined;
  let deviceNo: number | null = null;
  const named = /CARD=([^,]+)/.exec(args);
  const dev = /DEV=(\d+)/.exec(args);
  const numeric = /^(\d+)(?:,(\d+))?/.exec(args);
  if (named) {
    const id = named[1]!;
    card = cards.find((c) => c.id === id || String(c.card) === id);
    deviceNo = dev ? Number(dev[1]) : null;
  } else if (numeric && args) {
    card = cards.find((c) => c.card === Number(numeric[1]));
    deviceNo = numeric[2] !== undefined ? Number(numeric[2]) : null;
  }
  const cardDev = card && deviceNo !== null ? cards.find((c) => c.card === card!.card && c.device === deviceNo) : undefined;
  return {
    name,
    uri: `alsa:${name}`,
    description: description || (cardDev ? `${cardDev.name}, ${cardDev.deviceName}` : name),
    cardId: card?.id ?? (named ? named[1]! : null),
    card: card?.card ?? null,
    cardName: card?.name ?? null,
    device: deviceNo,
    plugin,
    converts: CONVERTING.has(plugin),
  };
}

const LIST_TIMEOUT_MS = 10_000;
const LIST_MAX_BYTES = 4 << 20;

async function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  const child = new SupervisedChild(arecordPath(env), args, { name: 'arecord', installHint: ARECORD_MISSING_HINT, env });
  const out: Buffer[] = [];
  let bytes = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    // A listing is a few kB; past the cap the rest is dropped rather than held.
    if (bytes < LIST_MAX_BYTES) out.push(chunk);
    bytes += chunk.length;
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void child.stop();
  }, LIST_TIMEOUT_MS);
  const exit = await child.exited.finally(() => clearTimeout(timer));
  if (SupervisedChild.missing(exit)) {
    throw new AlsaError('alsa_no_arecord', 'arecord (alsa-utils) is not installed, so sound cards cannot be listed or captured', ARECORD_MISSING_HINT, false);
  }
  if (timedOut) {
    throw new AlsaError('alsa_failed', `arecord ${args.join(' ')} did not answer within ${LIST_TIMEOUT_MS / 1000} s`, 'check the sound system (a hung PulseAudio/PipeWire can block ALSA); try arecord -L in a terminal');
  }
  if (exit.kind === 'spawn_failed') throw new AlsaError('alsa_failed', child.describe(exit), 'check that arecord is executable (ls -l $(which arecord))');
  // A non-zero exit with "no soundcards found" is a valid, empty answer.
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: child.stderr };
}

/**
 * The capture devices of this system, for the source picker: PCM names from `arecord -L`
 * joined with card numbers and names from `arecord -l`. An empty list means no sound card
 * (and no sound server) is available; that is not an error.
 */
export async function listAlsaDevices(options: { env?: NodeJS.ProcessEnv } = {}): Promise<AlsaDevice[]> {
  const env = options.env ?? process.env;
  const [pcms, cards] = await Promise.all([run(['-L'], env), run(['-l'], env)]);
  return buildDeviceList(pcms.stdout, cards.stdout);
}
