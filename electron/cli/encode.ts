/**
 * `eas-console encode`: write a SAME alert (three headers, attention signal, optional voice
 * placeholder, three EOMs) as a 16-bit mono WAV. The header must pass the same parser the decoder
 * uses, so the tool cannot produce an alert our own receiver would refuse.
 */
import { parseHeader } from '../core/alerts/header';
import { encodeSame } from '../core/same';
import { writeWavFile } from '../../native/wav';
import { numberOption, parseArgs, UsageError } from './options';

export const ENCODE_USAGE = `Usage: eas-console encode --header ZCZC-ORG-EEE-PSSCCC+TTTT-JJJHHMM-LLLLLLLL- --out FILE.wav [options]

Writes a complete SAME message as 16-bit mono WAV: three header bursts, the attention signal,
an optional voice placeholder, and three EOM bursts.

Options:
  --header H              the SAME header, including the trailing '-' (required)
  --out FILE              WAV file to write (required)
  --attention KIND        nwr (1050 Hz), two-tone (853+960 Hz) or none; default nwr
  --attention-seconds S   attention signal length, 1-25 s; default 8
  --voice-seconds S       speech-like placeholder after the attention signal, 0-120 s; default 0
  --rate N                sample rate, 8000-96000 Hz; default 22050
  --amplitude A           peak amplitude, 0.01-1; default 0.5
`;

export async function main(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv, ['help'], ['header', 'out', 'attention', 'attention-seconds', 'voice-seconds', 'rate', 'amplitude']);
    if (args.flags.has('help')) {
      process.stdout.write(ENCODE_USAGE);
      return 0;
    }
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
    const header = args.values.get('header');
    const out = args.values.get('out');
    if (!header) throw new UsageError('--header is required');
    if (!out) throw new UsageError('--out is required');
    const kind = args.values.get('attention') ?? 'nwr';
    if (kind !== 'nwr' && kind !== 'two-tone' && kind !== 'none') throw new UsageError(`--attention must be nwr, two-tone or none; got "${kind}"`);
    const seconds = numberOption(args, 'attention-seconds', 8, 1, 25);
    const voiceSeconds = numberOption(args, 'voice-seconds', 0, 0, 120);
    const sampleRate = numberOption(args, 'rate', 22050, 8000, 96000, true);
    const amplitude = numberOption(args, 'amplitude', 0.5, 0.01, 1);

    const parsed = parseHeader(header);
    if (!parsed.ok) {
      process.stderr.write(
        `encode: refusing header: ${parsed.error.kind} error in ${parsed.error.field}: ${parsed.error.message}\n` +
          `A header looks like ZCZC-WXR-TOR-029095+0030-1051700-KEAX/NWS- (47 CFR 11.31).\n`,
      );
      return 1;
    }
    const samples = encodeSame({
      header,
      sampleRate,
      attention: kind === 'none' ? null : { kind, seconds },
      voiceSeconds,
      amplitude,
    });
    writeWavFile(out, samples, sampleRate);
    process.stdout.write(`wrote ${out}: ${(samples.length / sampleRate).toFixed(1)} s at ${sampleRate} Hz\n`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`encode: ${err.message}\n\n${ENCODE_USAGE}`);
      return 2;
    }
    process.stderr.write(`encode: ${(err as Error).message}\n`);
    return 1;
  }
}
