import { CaptureError, type CaptureErrorCode } from '../capture/capture-error';

export type AlsaErrorCode = Extract<CaptureErrorCode, `alsa_${string}`>;

/** A named ALSA failure with what to do about it (codes alsa_*). */
export class AlsaError extends CaptureError {
  constructor(code: AlsaErrorCode, message: string, hint: string, retryable = true) {
    super(code, message, hint, retryable);
    this.name = 'AlsaError';
  }
}

export const ARECORD_MISSING_HINT = 'install alsa-utils (Debian/Ubuntu: sudo apt install alsa-utils), or set EAS_ARECORD to the arecord binary';

/** The arecord to run: EAS_ARECORD when set (tests, odd installs), else the one on PATH. */
export function arecordPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.EAS_ARECORD || 'arecord';
}

/**
 * Names a failure from arecord's stderr (alsa-lib's wording). `device` is the PCM asked for;
 * the returned hint says what the user should do.
 */
export function classifyAlsaFailure(device: string, stderr: string, exitCode: number | null): AlsaError {
  const lastLine = stderr.trim().split(/\r?\n/).filter(Boolean).at(-1) ?? `arecord exited with code ${exitCode}`;
  const rate = /rate is not accurate \(requested = (\d+)Hz, got = (\d+)Hz\)/.exec(stderr);
  if (rate) {
    return new AlsaError(
      'alsa_format',
      `ALSA device ${device} does not capture at ${rate[1]} Hz (it runs at ${rate[2]} Hz)`,
      `add ?rate=${rate[2]} to the source (alsa:${device}?rate=${rate[2]}), or use the plughw: name of the device, which converts`,
      false,
    );
  }
  if (/Device or resource busy/i.test(stderr)) {
    return new AlsaError(
      'alsa_busy',
      `ALSA device ${device} is busy: another program (or another source) is capturing from it`,
      'close the other program or source, or capture through dsnoop:CARD=...,DEV=... (or default/pulse), which let several programs share the input; the engine retries',
    );
  }
  if (/Permission denied|Operation not permitted/i.test(stderr)) {
    return new AlsaError(
      'alsa_permission',
      `no permission to open ALSA device ${device}`,
      'add the user running the console to the "audio" group (sudo usermod -aG audio $USER, then log in again) and check /dev/snd permissions',
    );
  }
  if (/cannot find card|No such file or directory|No such device|Unknown PCM|Invalid CTL|Unknown field/i.test(stderr)) {
    return new AlsaError(
      'alsa_missing',
      `ALSA device ${device} was not found`,
      'check the sound card is connected and pick the device again from the list (arecord -L); USB cards can change number after a replug, names like plughw:CARD=Device,DEV=0 do not; the engine retries',
    );
  }
  if (/Channels count non available|Sample format non available|Rate .*non available|Broken configuration|unable to install hw params|Invalid argument/i.test(stderr)) {
    return new AlsaError(
      'alsa_format',
      `ALSA device ${device} refused the capture format (${lastLine.replace(/^arecord: \S+ /, '')})`,
      'use the plughw: (or default) name of the device, which converts, or set ?rate= and ?channels= to what the card supports, e.g. ?rate=48000&channels=2',
      false,
    );
  }
  if (/no soundcards found/i.test(stderr)) {
    return new AlsaError('alsa_no_cards', 'no sound cards found', 'connect the capture card (check dmesg and lsmod for its driver); the engine retries');
  }
  return new AlsaError('alsa_failed', `ALSA capture from ${device} failed: ${lastLine}`, 'check the device with: arecord -D ' + device + ' -d 2 /tmp/test.wav');
}
