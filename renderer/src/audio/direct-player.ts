import { LISTEN_CLOSE, LISTEN_HEADER_BYTES, LISTEN_PORT_CLOSE } from '@contract';
import { openListen, type ListenTransport, type OpenListen } from '../store/actions';
import workletUrl from './listen-worklet.ts?worker&url';
import type { ToWorklet, WorkletStats } from './listen-messages';

export interface DirectPlayerEvents {
  stats(stats: WorkletStats): void;
  /** The listen ended (source stopped, unknown, or the engine went away); `retry` when trying again makes sense. */
  ended(reason: string, retry: boolean): void;
}

/**
 * The direct path: the engine's bus PCM (a WebSocket in serve mode, a MessagePort in Electron:
 * api/listen-transport.ts) into an AudioWorklet with a jitter buffer. The AudioContext runs at
 * the bus rate, so nothing resamples here (the browser converts to the device once); the
 * worklet absorbs network jitter and clock drift.
 */
export class DirectPlayer {
  private readonly gain: GainNode;
  private transport: ListenTransport | null = null;
  private stopped = false;

  private constructor(
    private readonly ctx: AudioContext,
    private readonly node: AudioWorkletNode,
    private readonly sourceId: string,
    private readonly events: DirectPlayerEvents,
    open: OpenListen,
  ) {
    this.gain = ctx.createGain();
    node.connect(this.gain).connect(ctx.destination);
    node.port.onmessage = (e: MessageEvent<WorkletStats>) => {
      if (e.data.type === 'stats') this.events.stats(e.data);
    };
    this.open(open);
  }

  static async start(sourceId: string, busRate: number, events: DirectPlayerEvents, open: OpenListen = openListen): Promise<DirectPlayer> {
    const ctx = new AudioContext({ sampleRate: busRate, latencyHint: 'interactive' });
    try {
      await ctx.audioWorklet.addModule(workletUrl);
      const node = new AudioWorkletNode(ctx, 'eas-listen', { numberOfInputs: 0, outputChannelCount: [1] });
      if (ctx.state === 'suspended') await ctx.resume();
      return new DirectPlayer(ctx, node, sourceId, events, open);
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
    this.transport?.close();
    this.node.disconnect();
    void this.ctx.close();
  }

  private open(open: OpenListen): void {
    this.transport = open(this.sourceId, {
      hello: (rate) => {
        if (rate !== this.ctx.sampleRate) this.events.ended(`the engine sends ${rate} Hz, the player expected ${this.ctx.sampleRate}`, false);
      },
      frame: (frame) => {
        const msg: ToWorklet = { type: 'frame', frame, headerBytes: LISTEN_HEADER_BYTES };
        this.node.port.postMessage(msg, [frame]);
      },
      closed: (code, why) => {
        if (this.stopped) return;
        const reason =
          code === LISTEN_CLOSE.unknownSource
            ? 'this source is not running'
            : code === LISTEN_CLOSE.ended
              ? 'the source stopped'
              : (code === LISTEN_PORT_CLOSE.lost || code === LISTEN_PORT_CLOSE.refused) && why
                ? why
                : 'the connection to the engine closed';
        // A refused start would be refused again; a lost port is asked for anew on the retry.
        this.events.ended(reason, code !== LISTEN_CLOSE.unknownSource && code !== LISTEN_PORT_CLOSE.refused);
      },
    });
  }
}
