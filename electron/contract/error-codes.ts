/**
 * Every failure code a source, a stream encoder or Icecast reports, with what it means. The UI,
 * the logs and the tests match on these, so they are stable, snake_case, and listed once here:
 * the TypeScript unions below are derived from the tables, so a code thrown anywhere that is
 * not in a table fails the type check. (Contract errors, ErrorCode in errors.ts, are separate:
 * they say why a command was refused, not why a device failed.)
 */

/** Why a source (capture adapter or its worker) stopped or is retrying. */
export const CAPTURE_ERROR_CODES = {
  // any source
  ffmpeg_missing: 'no usable ffmpeg (the bundled one is gone, or EAS_FFMPEG points nowhere)',
  decode_failed: 'ffmpeg could not decode the input (not audio, or a format it lacks)',
  ffmpeg_died: 'the ffmpeg decoding the input was killed or crashed; restarted',
  internal: 'an unexpected error in the adapter or the worker; retried',
  worker_exit: "the source's worker thread died; restarted",
  // file:
  not_found: 'the file does not exist (retried slowly until it appears)',
  file_unreadable: 'the file exists but this user cannot read it (permissions, or it is a folder)',
  // alsa:
  alsa_no_arecord: 'arecord (alsa-utils) is not installed',
  alsa_failed: 'arecord failed for a reason alsa-lib did not name',
  alsa_stalled: 'the device delivered no audio for the stall timeout (driver or USB hang)',
  alsa_convert_failed: 'the ffmpeg converting the device format (rate, channels) failed',
  alsa_ended: 'arecord ended by itself (device unplugged, sound server restarted)',
  alsa_format: 'the device refused the rate, channel count or sample format asked for',
  alsa_busy: 'another program or source holds the device',
  alsa_permission: 'this user may not open the device (audio group, /dev/snd)',
  alsa_missing: 'the device or card does not exist (unplugged, renumbered)',
  alsa_no_cards: 'the system has no sound card at all',
  // rtlsdr: and rtltcp:
  no_device: 'no RTL-SDR dongle found (unplugged, or claimed by the DVB-T driver)',
  device_busy: 'the dongle is held by another program or the kernel DVB-T driver',
  device_open_failed: 'the dongle exists but cannot be opened (usually permissions)',
  rtl_sdr_missing: 'the rtl_sdr program is not installed',
  rtl_biast_missing: 'the rtl_biast program (needed for the bias-tee) is not installed',
  host_not_found: 'the rtl_tcp host name does not resolve',
  unreachable: 'the rtl_tcp host cannot be reached (no route, timeout)',
  not_rtl_tcp: 'something other than rtl_tcp answered on the port',
  no_header: 'rtl_tcp accepted the connection but sent no dongle header (another client holds it)',
  disconnected: 'rtl_tcp or rtl_sdr stopped sending samples',
  stalled: 'the dongle sent no samples for the idle timeout',
  bad_config: 'the URI is invalid or asks for a rate, mode or offset the demodulator cannot do; the one failure not retried',
  // http(s): (connection_refused is rtl_tcp's too)
  connection_refused: 'the server refused the TCP connection (down, or wrong port)',
  dns_failed: 'the stream host name does not resolve',
  tls_failed: 'the TLS handshake or certificate check failed',
  network_unreachable: 'the stream server cannot be reached (no route, timeout)',
  http_failed: 'the request failed before any answer',
  http_not_found: 'HTTP 404: no stream at the URL (or the mount is off the air)',
  http_unauthorized: 'HTTP 401: the stream needs a login',
  http_forbidden: 'HTTP 403: the server refuses this client',
  http_server_error: 'HTTP 5xx: the stream server has a problem',
  http_status: 'another unexpected HTTP status',
  http_redirects: 'too many redirects, or a redirect to a non-HTTP address',
  not_audio: 'the URL serves neither audio nor a playlist (a web page)',
  playlist_empty: 'the playlist names no stream',
  playlist_too_deep: 'playlists nest deeper than allowed',
  playlist_timeout: 'the playlist did not arrive in time',
  playlist_too_large: 'the "playlist" is too large to be one',
  stream_dropped: 'the stream ended or the connection dropped (live streams do not end)',
  stream_stalled: 'the stream sent no data for the idle timeout',
  ffmpeg_failed: 'ffmpeg could not be started for an HLS or ICY v1 stream',
  stream_failed: 'the internet stream failed for a reason not named above',
} as const satisfies Record<string, string>;
export type CaptureErrorCode = keyof typeof CAPTURE_ERROR_CODES;

/** Why a stream's ffmpeg encoder stopped; the encoder restarts by itself after each. */
export const ENCODER_ERROR_CODES = {
  ffmpeg_missing: 'no ffmpeg could be started at the configured or bundled path',
  ffmpeg_broken: 'ffmpeg exits at once for this format (built without the encoder)',
  encoder_exit: 'the encoder process died',
  encoder_stuck: 'the encoder stopped reading its input; killed and restarted',
} as const satisfies Record<string, string>;
export type EncoderErrorCode = keyof typeof ENCODER_ERROR_CODES;

/** Failures of the Icecast server side: the managed server, its stats and admin requests. */
export const ICECAST_ERROR_CODES = {
  not_installed: 'no icecast2 binary (apt-get install icecast2, or set its path)',
  start_failed: 'the managed icecast2 exited or did not answer during start',
  unauthorized: 'the admin user or password is wrong (HTTP 401)',
  unreachable: 'the server cannot be reached',
  timeout: 'the server did not answer in time',
  not_icecast: 'something other than Icecast answered',
  not_found: 'the mount or admin page does not exist',
  bad_request: 'Icecast refused the request as malformed',
  http_error: 'another unexpected HTTP status',
  move_failed: 'moving listeners to another mount failed',
  metadata_unsupported: 'the mount does not take metadata updates (Ogg: titles travel in-stream)',
} as const satisfies Record<string, string>;
export type IcecastErrorCode = keyof typeof ICECAST_ERROR_CODES;

/** Why a stream's source connection to Icecast failed (the PUT client). */
export const ICECAST_SOURCE_ERROR_KINDS = {
  auth: 'HTTP 401: wrong source user or password',
  mount_in_use: 'HTTP 403 "in use": another encoder, or our dropped connection not yet timed out',
  too_many_sources: "HTTP 403 \"too many sources\": the server's <limits><sources> is reached",
  forbidden: 'any other HTTP 403 (e.g. the content type is refused)',
  http: 'another HTTP status',
  not_icecast: 'the answer was not HTTP',
  unreachable: 'connection refused, no route, or connect timeout',
  dns: 'the host name does not resolve',
  tls: 'the TLS handshake or certificate check failed',
  network: 'the connection broke while streaming',
  stalled: 'the server stopped taking data',
} as const satisfies Record<string, string>;
export type IcecastSourceErrorKind = keyof typeof ICECAST_SOURCE_ERROR_KINDS;
