import { CaptureError } from '../capture/capture-error';

/**
 * The RTL-SDR failures a user can act on, each with the hint that fixes it. Codes are stable
 * (the UI and tests match on them); messages name the device or host:port.
 */

export const NO_DEVICE_HINT =
  'Plug the dongle in (lsusb should list 0bda:2838). If it is plugged in, the kernel DVB-T driver may have claimed it: ' +
  'blacklist dvb_usb_rtl28xxu (echo "blacklist dvb_usb_rtl28xxu" | sudo tee /etc/modprobe.d/blacklist-rtl.conf, then unplug and replug it), ' +
  'and make sure this user may open it (the rtl-sdr package installs udev rules; add the user to the plugdev group and log in again).';

export function noDeviceError(device: string): CaptureError {
  return new CaptureError('no_device', `No RTL-SDR device found (device ${device})`, NO_DEVICE_HINT);
}

export function deviceBusyError(device: string, detail: string): CaptureError {
  return new CaptureError(
    'device_busy',
    `RTL-SDR device ${device} is busy (${detail})`,
    'Another program (rtl_tcp, rtl_fm, SDR#, gqrx, another source in this app) or the kernel DVB-T driver dvb_usb_rtl28xxu holds it: ' +
      'stop the other program, or blacklist the driver (echo "blacklist dvb_usb_rtl28xxu" | sudo tee /etc/modprobe.d/blacklist-rtl.conf) and replug the dongle.',
  );
}

export function deviceOpenError(device: string, detail: string): CaptureError {
  return new CaptureError(
    'device_open_failed',
    `Could not open RTL-SDR device ${device} (${detail})`,
    'Usually permissions: install the rtl-sdr udev rules (the Debian rtl-sdr package does), add this user to the plugdev group, log in again and replug the dongle. ' +
      'If that is done, blacklist the kernel driver dvb_usb_rtl28xxu.',
  );
}

export function rtlSdrMissingError(binary: string): CaptureError {
  return new CaptureError(
    'rtl_sdr_missing',
    `rtl_sdr was not found (${binary})`,
    'Install the rtl-sdr tools (sudo apt install rtl-sdr) or set EAS_RTL_SDR to the rtl_sdr binary.',
    false,
  );
}

export function connectionRefusedError(host: string, port: number): CaptureError {
  return new CaptureError(
    'connection_refused',
    `rtl_tcp at ${host}:${port} refused the connection`,
    `Is rtl_tcp running on ${host} and listening on port ${port}? Start it on the machine with the dongle with "rtl_tcp -a 0.0.0.0 -p ${port}" ` +
      '(by default it listens on 127.0.0.1 only), and check that a firewall lets the port through.',
  );
}

export function hostNotFoundError(host: string, port: number): CaptureError {
  return new CaptureError('host_not_found', `rtl_tcp host "${host}" (port ${port}) could not be resolved`, 'Check the host name in the source URI, or use the IP address.');
}

export function unreachableError(host: string, port: number, detail: string): CaptureError {
  return new CaptureError(
    'unreachable',
    `rtl_tcp at ${host}:${port} is unreachable (${detail})`,
    'Check the network path to the host (is it powered and on the same network?) and that a firewall does not drop the port.',
  );
}

export function notRtlTcpError(host: string, port: number, got: Uint8Array): CaptureError {
  const printable = Array.from(got.subarray(0, 12), (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  return new CaptureError(
    'not_rtl_tcp',
    `${host}:${port} is not an rtl_tcp server (it sent "${printable}" instead of the "RTL0" header)`,
    'Check the port in the source URI: rtl_tcp listens on 1234 by default, and another service answered on this one.',
  );
}

export function noHeaderError(host: string, port: number, seconds: number): CaptureError {
  return new CaptureError(
    'no_header',
    `rtl_tcp at ${host}:${port} accepted the connection but sent no header within ${seconds} s`,
    'rtl_tcp serves one client at a time: close other SDR programs connected to it. If none is, restart rtl_tcp; check that the port really is rtl_tcp.',
  );
}

export function disconnectedError(what: string, detail: string): CaptureError {
  return new CaptureError(
    'disconnected',
    `${what} stopped sending samples (${detail})`,
    'It is retried automatically. If it keeps happening, check that the server or rtl_sdr is still running (USB power, a loose cable, an unstable network).',
  );
}

export function stalledError(what: string, seconds: number): CaptureError {
  return new CaptureError(
    'stalled',
    `${what} sent no samples for ${seconds} s`,
    'The dongle stopped delivering: replug it or restart rtl_tcp; a USB hub without enough power also does this.',
  );
}
