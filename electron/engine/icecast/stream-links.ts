/** Where listeners find one of our mounts: what the UI's copy buttons copy. */
export interface StreamLinks {
  /** The mount itself, e.g. http://radio.example.org:8000/station.mp3 */
  listenUrl: string;
  playlistUrls: {
    /** Icecast generates /mount.m3u for every mount. */
    m3u: string;
    /**
     * Icecast 2.4 generates no .pls; the managed server serves one the console writes into its
     * webroot. Null for any other server, where /mount.pls would be a 404.
     */
    pls: string | null;
  };
}

export interface StreamLinkTarget {
  host: string;
  port: number;
  tls?: boolean;
  mount: string;
}

/**
 * The links of a stream, from where it streams to. The host is the one the stream config names:
 * a listener on another machine needs that name to resolve there too (127.0.0.1 only works on
 * this machine).
 */
export function streamLinks(config: StreamLinkTarget, opts: { pls?: boolean } = {}): StreamLinks {
  const host = config.host.includes(':') && !config.host.startsWith('[') ? `[${config.host}]` : config.host;
  const scheme = config.tls ? 'https' : 'http';
  const defaultPort = config.tls ? 443 : 80;
  const listenUrl = `${scheme}://${host}${config.port === defaultPort ? '' : `:${config.port}`}${config.mount}`;
  return { listenUrl, playlistUrls: { m3u: `${listenUrl}.m3u`, pls: opts.pls ? `${listenUrl}.pls` : null } };
}
