import { BUS_RATE, type RecordingMarker } from '../../contract';
import type { WorkerDecoderEvent } from '../pipeline/messages';

/** SAME's bit rate (47 CFR 11.31(a)(1)): 520 5/6 bits per second. */
const SAME_BPS = 520 + 5 / 6;
/** Each burst starts with 16 preamble bytes before the text the decoder reports. */
const PREAMBLE_BYTES = 16;

/**
 * Where, in one recording, the header's bursts, the attention signal, the message and the
 * EOM are, from the decoder's events (bus sample indices) and the recording's first sample:
 * the playback markers of the history's detail view.
 */
export class RecordingMarkers {
  private readonly list: RecordingMarker[] = [];
  private lastHeaderEndS: number | null = null;
  private lastAttentionEndS: number | null = null;
  private sawEomBurst = false;

  constructor(
    private readonly startSample: number,
    private readonly rate = BUS_RATE,
  ) {}

  get markers(): RecordingMarker[] {
    return this.list.map((m) => ({ ...m }));
  }

  event(ev: WorkerDecoderEvent): void {
    if (ev.sample < this.startSample) return;
    const at = (ev.sample - this.startSample) / this.rate;
    const s3 = (x: number): number => Math.round(x * 1000) / 1000;
    switch (ev.type) {
      case 'burst': {
        const end = at + ((PREAMBLE_BYTES + ev.text.length) * 8) / SAME_BPS;
        const eom = ev.text.startsWith('NNNN');
        this.list.push({ kind: eom ? 'eom' : 'header', startS: s3(at), endS: s3(end) });
        if (eom) this.sawEomBurst = true;
        else this.lastHeaderEndS = end;
        break;
      }
      case 'attention':
        if (ev.phase === 'start') {
          this.list.push({ kind: 'attention', startS: s3(at), endS: null });
        } else {
          const open = [...this.list].reverse().find((m) => m.kind === 'attention' && m.endS === null);
          if (open) open.endS = s3(at);
          else this.list.push({ kind: 'attention', startS: s3(Math.max(0, at - ev.durationS)), endS: s3(at) });
          this.lastAttentionEndS = at;
        }
        break;
      case 'eom': {
        const from = this.lastAttentionEndS ?? this.lastHeaderEndS;
        if (from !== null && at > from) this.list.push({ kind: 'message', startS: s3(from), endS: s3(at) });
        if (!this.sawEomBurst) this.list.push({ kind: 'eom', startS: s3(at), endS: null });
        this.lastAttentionEndS = null;
        this.lastHeaderEndS = null;
        this.sawEomBurst = false;
        break;
      }
      default:
        break;
    }
    this.list.sort((a, b) => a.startS - b.startS);
  }
}
