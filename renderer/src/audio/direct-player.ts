import { LISTEN_CLOSE, LISTEN_HEADER_BYTES, listenPath, type ListenHello } from '@contract';
import workletUrl from './listen-worklet.ts?worker&url';
import type { ToWorklet, WorkletStats } from './listen-messages';

export interface DirectPlayerEvents {
  stats(stats: WorkletStats): void;
  /** The socket closed (source stopped, unknown, or the engine went away); `retry` when trying again makes sense. */
  ended(reason: string, retry: boolean): void;
}

/** ws(s)://host/ws/listen?source=ID, carrying the page's ?token= as the main socket does. */
function listenUrl(sourceId: string): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = new URL(listenPath(sourceId), `${proto}//${location.host}/`);
  const token = new URLSearchParams(location.search).get('token');
  if (token) url.searchParams.set('token', token);
  return url.toString();
}

/**
 * The direct path: the engine's bus PCM over a binary WebSocket into an AudioWorklet with a
 * jitter buffer. The AudioContext runs at the bus rate, so nothing resamples here (the
 * browser converts to the device once); the worklet absorbs network jitter and clock drift.
 */
export class DirectPlayer {
  private readonly gain: GainNode;
  private ws: WebSocket | null = null;
  private stopped = false;

  private constructor(
    private readonly ctx: AudioContext,
    private readonly node: AudioWorkletNode,
    private readonly sourceId: string,
    private readonly events: DirectPlayerEvents,
  ) {
    this.gain = ctx.createGain();
    node.connect(this.gain).connect(ctx.destination);
    node.port.onmessage = (e: MessageEvent<WorkletStats>) => {
      if (e.data.type === 'stats') this.events.stats(e.data);
    };
    this.open();
  }

  static async start(sourceId: string, busRate: number, events: DirectPlayerEvents): Promise<DirectPlayer> {
    const ctx = new AudioContext({ sampleRate: busRate, latencyHint: 'interactive' });
    try {
      await ctx.audioWorklet.addModule(workletUrl);
      const node = new AudioWorkletNode(ctx, 'eas-listen', { numberOfInputs: 0, outputChannelCount: [1] });
      if (ctx.state === 'suspended') await ctx.resume();
      return new DirectPlayer(ctx, node, sourceId, events);
    } catch (err) {
      void ctx.close();
      throw err;
    }
  }

  setGain(gain: number): void {
    this.gain.gain.setTargetAtTime(gain, this.ctx.currentTime, 0.02);
  }

  /** The context's output delay plus its processing quantum, for the latency readout. */
  outputLatencyMs(): number {
    return ((this.ctx.outputLatency || 0) + this.ctx.baseLatency) * 1000;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.ws?.close();
    this.node.disconnect();
    void this.ctx.close();
  }

  private open(): void {
    const ws = new WebSocket(listenUrl(this.sourceId));
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onmessage = (e: MessageEvent<ArrayBuffer | string>) => {
      if (typeof e.data === 'string') {
        const hello = JSON.parse(e.data) as ListenHello;
        if (hello.rate !== this.ctx.sampleRate) this.events.ended(`the engine sends ${hello.rate} Hz, the player expected ${this.ctx.sampleRate}`, false);
        return;
      }
      const msg: ToWorklet = { type: 'frame', frame: e.data, headerBytes: LISTEN_HEADER_BYTES };
      this.node.port.postMessage(msg, [e.data]);
    };
    ws.onclose = (e) => {
      if (this.stopped) return;
      const reason =
        e.code === LISTEN_CLOSE.unknownSource ? 'this source is not running' : e.code === LISTEN_CLOSE.ended ? 'the source stopped' : 'the connection to the engine closed';
      this.events.ended(reason, e.code !== LISTEN_CLOSE.unknownSource);
    };
  }
}
