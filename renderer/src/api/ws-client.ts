import { z } from 'zod';
import {
  alertAudioPath,
  ContractError,
  ContractErrorSchema,
  type CommandArgs,
  type CommandName,
  type CommandResult,
  type ConsoleApi,
  type EventName,
  type EventPayload,
} from '../../../electron/contract';
import type { ConnectionMonitor, ConnectionState } from './connection';

export interface WsClientOptions {
  /** A call that gets no answer in this time is rejected, so no button spins forever. */
  callTimeoutMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /**
   * After this long without a frame from the engine the socket is asked for app.info; no answer
   * within callTimeoutMs and it is dropped as dead. A host that vanished without closing the TCP
   * connection (power, network) otherwise leaves the page "connected" for many minutes.
   */
  idleProbeMs?: number;
  /** Told about messages that could not be tied to a call (bad frames, server-side errors). */
  onProtocolError?: (message: string) => void;
  /** For tests outside a browser. */
  WebSocketImpl?: typeof WebSocket;
}

interface Pending {
  cmd: string;
  resolve: (value: unknown) => void;
  reject: (err: ContractError) => void;
  timer: ReturnType<typeof setTimeout>;
  /** Serialised message; sent when the socket opens if it is not open yet. */
  frame: string;
  sent: boolean;
}

type Listener = (payload: unknown) => void;

/**
 * wire.ts's ServerMessage, parsed with a plain union: the contract's discriminatedUnion on "t"
 * has two "result" members, which zod 4 refuses at parse time ("Duplicate discriminator
 * value"). Same shapes, so the types stay the contract's.
 */
const Incoming = z.union([
  z.object({ t: z.literal('result'), id: z.number().int(), ok: z.literal(true), value: z.unknown() }),
  z.object({ t: z.literal('result'), id: z.number().int(), ok: z.literal(false), error: ContractErrorSchema }),
  z.object({ t: z.literal('event'), name: z.string(), payload: z.unknown() }),
  z.object({ t: z.literal('error'), error: ContractErrorSchema }),
]);

/**
 * The serve-mode ConsoleApi: wire.ts's protocol over one WebSocket that reconnects by itself.
 * Listeners survive reconnects (they live here, not on the socket); calls made while the
 * socket is down wait for it, up to the call timeout. Payload validation is the job of
 * withValidation(), which wraps this and window.eas alike.
 */
export class WsConsoleApi implements ConsoleApi, ConnectionMonitor {
  private readonly url: string;
  private readonly opts: Required<Omit<WsClientOptions, 'onProtocolError' | 'WebSocketImpl'>>;
  private readonly onProtocolError: (message: string) => void;
  private readonly WS: typeof WebSocket;
  private socket: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly connectionListeners = new Set<(s: ConnectionState) => void>();
  private state: ConnectionState = { kind: 'connecting', attempt: 1 };
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private lastHeardAt = 0;
  private probeTimer: ReturnType<typeof setInterval> | null = null;
  private probing = false;

  constructor(url: string, options: WsClientOptions = {}) {
    this.url = url;
    this.opts = {
      callTimeoutMs: options.callTimeoutMs ?? 15_000,
      minBackoffMs: options.minBackoffMs ?? 250,
      // The engine is usually on this machine or the LAN: retrying every few seconds costs nothing
      // and gets the meters back soon after an engine restart.
      maxBackoffMs: options.maxBackoffMs ?? 5_000,
      idleProbeMs: options.idleProbeMs ?? 10_000,
    };
    this.onProtocolError = options.onProtocolError ?? ((m) => console.warn(m));
    this.WS = options.WebSocketImpl ?? WebSocket;
    this.open();
  }

  /** ws(s)://<page host>/ws, carrying the page's token so the socket works before the cookie exists. */
  static urlFor(location: { protocol: string; host: string; search: string }): string {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const token = new URLSearchParams(location.search).get('token');
    const query = token ? `?token=${encodeURIComponent(token)}` : '';
    return `${proto}//${location.host}/ws${query}`;
  }

  call<C extends CommandName>(cmd: C, args: CommandArgs<C>): Promise<CommandResult<C>> {
    return new Promise<CommandResult<C>>((resolve, reject) => {
      if (this.closed) {
        reject(new ContractError('unavailable', 'the console was closed'));
        return;
      }
      const id = this.nextId++;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new ContractError(
            'unavailable',
            `the engine did not answer "${cmd}" within ${Math.round(this.opts.callTimeoutMs / 1000)} s; check that eas-console is still running`,
          ),
        );
      }, this.opts.callTimeoutMs);
      const entry: Pending = {
        cmd,
        resolve: resolve as (v: unknown) => void,
        reject,
        timer,
        frame: JSON.stringify({ t: 'call', id, cmd, args: args ?? {} }),
        sent: false,
      };
      this.pending.set(id, entry);
      this.flush();
    });
  }

  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    const l = listener as Listener;
    set.add(l);
    return () => {
      set.delete(l);
    };
  }

  /** Relative, so it goes to the page's own origin and carries the token cookie. */
  alertAudioUrl(alertId: string): string {
    return `/api/${alertAudioPath(alertId)}`;
  }

  connection(): ConnectionState {
    return this.state;
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    this.connectionListeners.add(listener);
    return () => {
      this.connectionListeners.delete(listener);
    };
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.stopProbe();
    this.socket?.close(1000, 'closed by the console');
    this.failPending('the console was closed');
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    for (const l of this.connectionListeners) l(state);
  }

  private open(): void {
    this.attempt++;
    if (this.state.kind !== 'reconnecting') this.setState({ kind: 'connecting', attempt: this.attempt });
    let socket: WebSocket;
    try {
      socket = new this.WS(this.url);
    } catch (err) {
      this.scheduleReconnect(`cannot open ${this.url.replace(/\?.*$/, '')}: ${String(err)}`);
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.lastHeardAt = Date.now();
      this.startProbe(socket);
      this.setState({ kind: 'connected', since: Date.now() });
      this.flush();
    };
    socket.onmessage = (ev) => {
      this.lastHeardAt = Date.now();
      this.receive(ev.data);
    };
    socket.onclose = (ev) => this.lost(socket, closeReason(ev.code, ev.reason));
    // onclose follows every error; the reason goes out there.
    socket.onerror = () => {};
  }

  private lost(socket: WebSocket, reason: string): void {
    if (this.socket !== socket) return;
    this.socket = null;
    this.stopProbe();
    // Calls already sent may or may not have run; the caller must decide, so say so.
    this.failPending('the connection to the engine dropped before it answered; try again once reconnected', true);
    if (this.closed) return;
    this.scheduleReconnect(reason);
  }

  private startProbe(socket: WebSocket): void {
    this.stopProbe();
    this.probeTimer = setInterval(() => {
      if (this.probing || this.socket !== socket || Date.now() - this.lastHeardAt < this.opts.idleProbeMs) return;
      this.probing = true;
      // Any frame counts as an answer: a busy engine that sends events is alive.
      const heardBefore = this.lastHeardAt;
      this.call('app.info', {})
        .catch(() => {
          if (this.socket !== socket || this.lastHeardAt !== heardBefore) return;
          // close() on a dead peer waits out the closing handshake; the page must not wait with it.
          socket.close(4000, 'the engine stopped answering');
          this.lost(socket, `the engine stopped answering (nothing for ${Math.round((Date.now() - heardBefore) / 1000)} s)`);
        })
        .finally(() => {
          this.probing = false;
        });
    }, Math.max(250, Math.floor(this.opts.idleProbeMs / 2)));
  }

  private stopProbe(): void {
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = null;
  }

  private scheduleReconnect(reason: string): void {
    const base = Math.min(this.opts.maxBackoffMs, this.opts.minBackoffMs * 2 ** Math.min(this.attempt, 10));
    // Jitter so many consoles do not hammer a restarted engine in lockstep.
    const delay = Math.round(base * (0.5 + Math.random() * 0.5));
    this.setState({ kind: 'reconnecting', attempt: this.attempt + 1, retryAt: Date.now() + delay, reason });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.open();
    }, delay);
  }

  private flush(): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== this.WS.OPEN) return;
    for (const p of this.pending.values()) {
      if (p.sent) continue;
      socket.send(p.frame);
      p.sent = true;
    }
  }

  private failPending(message: string, sentOnly = false): void {
    for (const [id, p] of this.pending) {
      if (sentOnly && !p.sent) continue;
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new ContractError('unavailable', `${p.cmd}: ${message}`));
    }
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') {
      this.onProtocolError('engine sent a binary WebSocket frame; this console expects JSON text');
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      this.onProtocolError(`engine sent a frame that is not JSON: ${data.slice(0, 80)}`);
      return;
    }
    const parsed = Incoming.safeParse(json);
    if (!parsed.success) {
      this.onProtocolError(`engine sent an unknown message: ${data.slice(0, 120)}`);
      return;
    }
    const msg = parsed.data;
    switch (msg.t) {
      case 'result': {
        const p = this.pending.get(msg.id);
        if (!p) return; // answered after its timeout: the caller has moved on
        clearTimeout(p.timer);
        this.pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.value);
        else p.reject(ContractError.from(msg.error));
        return;
      }
      case 'event': {
        const set = this.listeners.get(msg.name);
        if (!set) return;
        for (const l of set) l(msg.payload);
        return;
      }
      case 'error':
        this.onProtocolError(`engine: ${msg.error.message}`);
        return;
    }
  }
}

/** Browsers hide why a handshake failed (refused, 401, ...): all of it arrives as 1006. */
function closeReason(code: number, reason: string): string {
  if (reason) return `the engine closed the connection: ${reason}`;
  if (code === 1000 || code === 1001 || code === 1005) return 'the engine closed the connection';
  if (code === 1006) return 'cannot reach the engine (stopped, restarting, or the access token is no longer valid)';
  if (code === 1009) return 'a message was too large for the engine';
  return `the connection closed (code ${code})`;
}
