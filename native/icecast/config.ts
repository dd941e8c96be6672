import { randomBytes } from 'node:crypto';

/** Debian's icecast2 package puts its XSL pages here. */
export const DEBIAN_WEBROOT = '/usr/share/icecast2/web';
export const DEBIAN_ADMINROOT = '/usr/share/icecast2/admin';

export interface IcecastLimits {
  /** Every HTTP client counts, listeners, sources and admin polls alike. */
  clients: number;
  sources: number;
  /** Bytes a slow listener may lag behind before Icecast drops it. */
  queueSize: number;
  /** Bytes sent at once to a new listener so its player starts without waiting. */
  burstSize: number;
  burstOnConnect: boolean;
  clientTimeout: number;
  headerTimeout: number;
  /** Seconds without data before a source is dropped (and its mount freed). */
  sourceTimeout: number;
}

/**
 * Chosen for a station's local server feeding a few monitors and a relay, not a public
 * directory server; docs/icecast.md says why each number.
 */
export const LOW_LATENCY_LIMITS: IcecastLimits = {
  clients: 100,
  sources: 16,
  // 256 KiB: 16 s of 128k MP3. A listener further behind than that is not listening live.
  queueSize: 262_144,
  // 16 KiB: 1 s of 128k MP3 (2.7 s of 48k Opus) - enough for a player to start at once,
  // far less than Debian's 64 KiB (4 s of MP3) that every new listener would sit behind.
  burstSize: 16_384,
  burstOnConnect: true,
  clientTimeout: 30,
  headerTimeout: 15,
  // 5 s instead of 10: a source that lost its connection gets its mount back sooner
  // (until then the server answers 403 "Mountpoint in use").
  sourceTimeout: 5,
};

/** Seconds of audio a new listener gets at once on a mount of ours (see burstBytesFor). */
export const MOUNT_BURST_SECONDS = 0.5;

/**
 * Bytes of `seconds` of a stream at `bitrateKbps`: a mount's burst. Half a second is enough for
 * a player to start at once; more only delays what it plays behind the live audio (Icecast's
 * default 64 KiB is 4 s of 128k MP3, 16 s of 32k). Icecast starts a burst on a whole block it
 * received from the source, so a listener may get up to one block more.
 */
export function burstBytesFor(bitrateKbps: number, seconds = MOUNT_BURST_SECONDS): number {
  if (!Number.isFinite(bitrateKbps) || bitrateKbps <= 0) throw new RangeError(`Mount bitrate ${bitrateKbps} kbit/s is not a bitrate.`);
  return Math.round((bitrateKbps * 1000 * seconds) / 8);
}

/** One <mount> block: settings Icecast applies to that mount only. */
export interface IcecastMountConfig {
  /** e.g. "/station.mp3" */
  mount: string;
  /** The stream's bitrate, which sizes its burst. */
  bitrateKbps: number;
  /** Bytes; default burstBytesFor(bitrateKbps). */
  burstSize?: number;
}

export interface IcecastConfigOptions {
  port: number;
  /** Default 127.0.0.1: a managed server is private unless the user opens it. */
  bindAddress?: string;
  /** The name Icecast puts into playlists (.m3u/.xspf) it generates. */
  hostname?: string;
  location?: string;
  /** Contact shown on the server info page. */
  adminContact?: string;
  sourcePassword: string;
  adminUser?: string;
  adminPassword: string;
  /** Omitted: no relay password, so no slave server can pull every mount. */
  relayPassword?: string;
  limits?: Partial<IcecastLimits>;
  logDir: string;
  pidFile?: string;
  webRoot?: string;
  adminRoot?: string;
  /** 1 error, 2 warn, 3 info, 4 debug. */
  logLevel?: 1 | 2 | 3 | 4;
  /** Kilobytes before Icecast rotates a log to *.old. */
  logSizeKb?: number;
  /** Only for a server started as root: Icecast refuses to stay root without it. */
  changeOwner?: { user: string; group: string };
  /** Extra response headers on every request (CORS for web players by default). */
  httpHeaders?: Record<string, string>;
  /** Per-mount settings (burst sized to the mount's bitrate); other mounts get the global limits. */
  mounts?: readonly IcecastMountConfig[];
}

/** Random password for a managed server: URL-safe so it fits icecast:// URLs unescaped. */
export function randomPassword(bytes = 18): string {
  return randomBytes(bytes).toString('base64url');
}

export function xmlEscape(value: string | number): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`Icecast port ${port} is not a TCP port: choose 1-65535.`);
  }
}

function checkLimits(limits: IcecastLimits): void {
  for (const [key, value] of Object.entries(limits)) {
    if (typeof value === 'number' && (!Number.isInteger(value) || value < 0)) {
      throw new RangeError(`Icecast limit ${key} must be a whole number >= 0, got ${value}.`);
    }
  }
  if (limits.clients < 1 || limits.sources < 1) {
    throw new RangeError('Icecast needs room for at least one client and one source.');
  }
}

function checkMounts(mounts: readonly IcecastMountConfig[]): void {
  const seen = new Set<string>();
  for (const m of mounts) {
    if (!/^\/[^\s?#]{1,127}$/.test(m.mount)) throw new RangeError(`Mount "${m.mount}" is not a mount: use a "/" then a name, e.g. /station.mp3.`);
    if (seen.has(m.mount)) throw new RangeError(`Mount ${m.mount} is configured twice.`);
    seen.add(m.mount);
    if (m.burstSize !== undefined && (!Number.isInteger(m.burstSize) || m.burstSize < 0)) {
      throw new RangeError(`Burst size of ${m.mount} must be a whole number of bytes >= 0, got ${m.burstSize}.`);
    }
  }
}

function mountBlock(m: IcecastMountConfig): string[] {
  const e = xmlEscape;
  return [
    '  <mount type="normal">',
    `    <mount-name>${e(m.mount)}</mount-name>`,
    `    <burst-size>${e(m.burstSize ?? burstBytesFor(m.bitrateKbps))}</burst-size>`,
    '  </mount>',
  ];
}

/** The icecast.xml of a managed local Icecast. Every value is XML-escaped. */
export function icecastConfigXml(opts: IcecastConfigOptions): string {
  checkPort(opts.port);
  const limits: IcecastLimits = { ...LOW_LATENCY_LIMITS, ...opts.limits };
  checkLimits(limits);
  const mounts = opts.mounts ?? [];
  checkMounts(mounts);
  const e = xmlEscape;
  const el = (name: string, value: string | number): string => `<${name}>${e(value)}</${name}>`;
  const headers = opts.httpHeaders ?? { 'Access-Control-Allow-Origin': '*' };
  const lines: string[] = [
    '<icecast>',
    `  ${el('location', opts.location ?? 'EAS Monitor Console')}`,
    `  ${el('admin', opts.adminContact ?? 'eas-console@localhost')}`,
    `  ${el('hostname', opts.hostname ?? opts.bindAddress ?? '127.0.0.1')}`,
    '  <limits>',
    `    ${el('clients', limits.clients)}`,
    `    ${el('sources', limits.sources)}`,
    `    ${el('queue-size', limits.queueSize)}`,
    `    ${el('client-timeout', limits.clientTimeout)}`,
    `    ${el('header-timeout', limits.headerTimeout)}`,
    `    ${el('source-timeout', limits.sourceTimeout)}`,
    `    ${el('burst-on-connect', limits.burstOnConnect ? 1 : 0)}`,
    `    ${el('burst-size', limits.burstSize)}`,
    '  </limits>',
    '  <authentication>',
    `    ${el('source-password', opts.sourcePassword)}`,
    ...(opts.relayPassword ? [`    ${el('relay-password', opts.relayPassword)}`] : []),
    `    ${el('admin-user', opts.adminUser ?? 'admin')}`,
    `    ${el('admin-password', opts.adminPassword)}`,
    '  </authentication>',
    '  <listen-socket>',
    `    ${el('port', opts.port)}`,
    `    ${el('bind-address', opts.bindAddress ?? '127.0.0.1')}`,
    '  </listen-socket>',
    '  <http-headers>',
    ...Object.entries(headers).map(([name, value]) => `    <header name="${e(name)}" value="${e(value)}" />`),
    '  </http-headers>',
    // fileserve stays on: the status pages need style.css and images from the webroot.
    '  <fileserve>1</fileserve>',
    ...mounts.flatMap(mountBlock),
    '  <paths>',
    `    ${el('basedir', opts.webRoot ? opts.webRoot.replace(/\/web\/?$/, '') : '/usr/share/icecast2')}`,
    `    ${el('logdir', opts.logDir)}`,
    `    ${el('webroot', opts.webRoot ?? DEBIAN_WEBROOT)}`,
    `    ${el('adminroot', opts.adminRoot ?? DEBIAN_ADMINROOT)}`,
    ...(opts.pidFile ? [`    ${el('pidfile', opts.pidFile)}`] : []),
    '    <alias source="/" destination="/status.xsl"/>',
    '  </paths>',
    '  <logging>',
    '    <accesslog>access.log</accesslog>',
    '    <errorlog>error.log</errorlog>',
    `    ${el('loglevel', opts.logLevel ?? 3)}`,
    `    ${el('logsize', opts.logSizeKb ?? 10_000)}`,
    '  </logging>',
    '  <security>',
    '    <chroot>0</chroot>',
    ...(opts.changeOwner
      ? ['    <changeowner>', `      ${el('user', opts.changeOwner.user)}`, `      ${el('group', opts.changeOwner.group)}`, '    </changeowner>']
      : []),
    '  </security>',
    '</icecast>',
    '',
  ];
  return lines.join('\n');
}
