import { z } from 'zod';

/**
 * The Icecast server the console watches and administers (stats, listeners, admin actions),
 * and the optional local Icecast it runs itself. Admin and source passwords never appear
 * here: the engine keeps them in its secret store and reports only whether one is set.
 */
export const IcecastSettings = z
  .object({
    /** Base URL of the server to watch, e.g. http://127.0.0.1:8000; null when none. */
    url: z
      .string()
      .url()
      .regex(/^https?:\/\/[^/@]+(:\d+)?\/?$/, 'http(s)://host:port, no path and no credentials')
      .nullable(),
    adminUser: z.string().min(1).max(64),
    pollSeconds: z.number().min(0.5).max(60),
    /** Run a local Icecast (Debian's icecast2) managed by the console, on this port. */
    managed: z.object({ enabled: z.boolean(), port: z.number().int().min(1024).max(65535) }).strict(),
  })
  .strict();
export type IcecastSettings = z.infer<typeof IcecastSettings>;

export const DEFAULT_ICECAST_SETTINGS: IcecastSettings = {
  url: null,
  adminUser: 'admin',
  // How often every server a stream goes to is asked for its listener counts.
  pollSeconds: 5,
  managed: { enabled: false, port: 8000 },
};

export const ManagedIcecastState = z.enum(['stopped', 'starting', 'running', 'restarting', 'failed']);

export const IcecastView = z.object({
  settings: IcecastSettings,
  hasAdminPassword: z.boolean(),
  managed: z.object({
    state: ManagedIcecastState,
    url: z.string().nullable(),
    pid: z.number().int().nullable(),
    restarts: z.number().int().nonnegative(),
    lastError: z.string().nullable(),
    /** False when Debian's icecast2 is not installed (the UI then says how to get it). */
    installed: z.boolean(),
  }),
  /** Why stats from the watched server are not coming in, when they are not (unreachable...). */
  pollError: z.string().nullable(),
  /**
   * The admin login failed (wrong password): counts still come from the public status page,
   * per-listener detail and admin actions do not work.
   */
  adminError: z.string().nullable(),
  /** Every server polled for listener counts: the watched one and each one a stream goes to. */
  servers: z.array(
    z.object({
      /** "host:port" */
      server: z.string(),
      /** The one in settings (or the managed one), whose stats the Icecast page shows. */
      watched: z.boolean(),
      /** null until the first poll answered or failed. */
      reachable: z.boolean().nullable(),
      via: z.enum(['admin', 'public']).nullable(),
      error: z.string().nullable(),
      /** Epoch ms of the last poll that answered. */
      lastPollAt: z.number().nullable(),
    }),
  ),
});
export type IcecastView = z.infer<typeof IcecastView>;

export const IcecastMount = z.object({
  mount: z.string(),
  listeners: z.number().int().nonnegative(),
  peakListeners: z.number().int().nonnegative().nullable(),
  bitrate: z.number().nullable(),
  contentType: z.string().nullable(),
  subtype: z.string().nullable(),
  title: z.string().nullable(),
  name: z.string().nullable(),
  description: z.string().nullable(),
  genre: z.string().nullable(),
  public: z.boolean().nullable(),
  streamStart: z.string().nullable(),
  listenUrl: z.string().nullable(),
  /** Playlists for the mount; pls only where the server serves one (the managed server). */
  playlistUrls: z.object({ m3u: z.string(), pls: z.string().nullable() }).nullable(),
  bytesRead: z.number().nullable(),
  bytesSent: z.number().nullable(),
  slowListeners: z.number().nullable(),
  sourceIp: z.string().nullable(),
  userAgent: z.string().nullable(),
  /** True when one of this console's streams feeds the mount. */
  ours: z.boolean(),
});
export type IcecastMount = z.infer<typeof IcecastMount>;

export const IcecastStatsView = z.object({
  server: z.object({
    serverId: z.string().nullable(),
    version: z.string().nullable(),
    host: z.string().nullable(),
    location: z.string().nullable(),
    admin: z.string().nullable(),
    startedAt: z.string().nullable(),
    listeners: z.number().nullable(),
    sources: z.number().nullable(),
    clients: z.number().nullable(),
    connections: z.number().nullable(),
  }),
  mounts: z.array(IcecastMount),
  via: z.enum(['admin', 'public']),
  receivedAt: z.number(),
});
export type IcecastStatsView = z.infer<typeof IcecastStatsView>;

export const IcecastListener = z.object({
  id: z.string(),
  ip: z.string(),
  userAgent: z.string().nullable(),
  referer: z.string().nullable(),
  connectedSeconds: z.number().nonnegative(),
});
export type IcecastListener = z.infer<typeof IcecastListener>;

export const IcecastTestResult = z.object({
  ok: z.boolean(),
  reachable: z.boolean(),
  authenticated: z.boolean().nullable(),
  serverId: z.string().nullable(),
  version: z.string().nullable(),
  mounts: z.number().nullable(),
  listeners: z.number().nullable(),
  roundTripMs: z.number().nullable(),
  message: z.string(),
});
export type IcecastTestResult = z.infer<typeof IcecastTestResult>;

const Mount = z.string().regex(/^\/[^\s?#]{1,127}$/, 'a mount such as /station.mp3');

/** Admin actions; the UI confirms each before sending. */
export const IcecastAction = z.discriminatedUnion('action', [
  z.object({ action: z.literal('kick'), mount: Mount, clientId: z.string().regex(/^\d{1,20}$/) }).strict(),
  z.object({ action: z.literal('killSource'), mount: Mount }).strict(),
  z.object({ action: z.literal('move'), from: Mount, to: Mount }).strict(),
  z.object({ action: z.literal('metadata'), mount: Mount, title: z.string().min(1).max(255) }).strict(),
]);
export type IcecastAction = z.infer<typeof IcecastAction>;

export const IcecastConfigure = z
  .object({
    url: IcecastSettings.shape.url.optional(),
    adminUser: IcecastSettings.shape.adminUser.optional(),
    /** Write-only: stored in the engine's secret store; "" removes it. */
    adminPassword: z.string().max(256).optional(),
    pollSeconds: IcecastSettings.shape.pollSeconds.optional(),
    managed: IcecastSettings.shape.managed.optional(),
  })
  .strict();

export const ListenerSample = z.object({
  /** Epoch ms, the start of the sample's minute. */
  at: z.number(),
  /** The most listeners a poll saw in that minute; null when no poll could tell. */
  listeners: z.number().int().nonnegative().nullable(),
});

/** One mount's listener counts over the last 24 h, a sample a minute. */
export const ListenerSeries = z.object({
  /** "host:port" as the stream config names it. */
  server: z.string(),
  mount: z.string(),
  samples: z.array(ListenerSample),
  peak: z.number().int().nonnegative().nullable(),
  /** The count now; null when unknown (server unreachable, mount not live). */
  current: z.number().int().nonnegative().nullable(),
  average: z.number().nonnegative().nullable(),
});
export type ListenerSeries = z.infer<typeof ListenerSeries>;

export const ListenerHistoryArgs = z.object({ mount: Mount.optional() }).strict();
export const ListenerHistoryResult = z.object({ windowMs: z.number(), sampleMs: z.number(), series: z.array(ListenerSeries) });
export type ListenerHistoryResult = z.infer<typeof ListenerHistoryResult>;
