import { describe, expect, it } from 'vitest';
import { CaptureError } from '../../../native/capture/capture-error';
import { RtlSdrProcess, classifyRtlSdrFailure, rtlSdrArgs } from '../../../native/rtl';

const settings = { centerHz: 162_294_000, rateHz: 1_024_000, gainDb: null, ppm: 0, agc: false, biasTee: false };

async function streamErr(p: RtlSdrProcess): Promise<CaptureError> {
  const err = await p.stream(() => {}, new AbortController().signal).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CaptureError);
  return err as CaptureError;
}

describe('rtl_sdr (Debian binary, no dongle on this machine)', () => {
  it('"No device found" is a named error whose hint covers the kernel driver and permissions', async () => {
    const err = await streamErr(new RtlSdrProcess(settings, { device: '0' }));
    expect(err.code).toBe('no_device');
    expect(err.message).toMatch(/No RTL-SDR device found/);
    expect(err.hint).toMatch(/dvb_usb_rtl28xxu/);
    expect(err.hint).toMatch(/udev/);
    expect(err.hint).toMatch(/plugdev/);
    expect(err.retryable).toBe(true);
  });

  it('the bias-tee goes through rtl_biast, which fails the same way without a dongle', async () => {
    const err = await streamErr(new RtlSdrProcess({ ...settings, biasTee: true }, { device: '0' }));
    expect(err.code).toBe('no_device');
  });

  it('a missing binary is a non-retryable error saying what to install', async () => {
    const err = await streamErr(new RtlSdrProcess(settings, { device: '0', binary: '/nonexistent/rtl_sdr' }));
    expect(err.code).toBe('rtl_sdr_missing');
    expect(err.hint).toMatch(/apt install rtl-sdr/);
    expect(err.retryable).toBe(false);
  });

  it('builds rtl_sdr arguments (gain 0 = auto; manual 0 dB asked as 0.1)', () => {
    expect(rtlSdrArgs(settings, '1')).toEqual(['-f', '162294000', '-s', '1024000', '-g', '0', '-p', '0', '-d', '1', '-']);
    expect(rtlSdrArgs({ ...settings, gainDb: 0, ppm: -7 }, '0')).toContain('0.1');
    expect(rtlSdrArgs({ ...settings, gainDb: 42.1, ppm: -7 }, '0').join(' ')).toContain('-g 42.1 -p -7');
  });

  it('recognises the usual libusb failures', () => {
    expect(classifyRtlSdrFailure('Found 1 device(s):\nusb_claim_interface error -6\nFailed to open rtlsdr device #0.', '0', 1).code).toBe('device_busy');
    expect(classifyRtlSdrFailure('usb_open error -3\nPlease fix the device permissions', '0', 1).code).toBe('device_open_failed');
    expect(classifyRtlSdrFailure('something else', '0', 1).code).toBe('disconnected');
  });
});
