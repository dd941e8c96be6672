import { afterEach, describe, expect, it } from 'vitest';
import { encodeSame, SameReceiver } from '../../../electron/core/same';
import type { SameEvent } from '../../../electron/core/same';
import { createAlsaAdapter } from '../../../electron/engine/sources/alsa';
import { makeAlsaFeed, type AlsaFeed } from '../../helpers/alsa-feed';

const RATE = 22050;
const HEADER = 'ZCZC-WXR-TOR-029095-029037+0045-1051700-KEAX/NWS-';

describe('ALSA end to end: a SAME alert through real capture is decoded', () => {
  let feed: AlsaFeed | undefined;
  afterEach(() => feed?.cleanup());

  it('decodes the header and the EOM from an ALSA file-plugin device', async () => {
    const alert = encodeSame({ header: HEADER, sampleRate: RATE, attention: { kind: 'nwr', seconds: 2 }, leadSilenceS: 0.5, tailSilenceS: 2 });
    feed = makeAlsaFeed(alert);
    const events: SameEvent[] = [];
    const rx = new SameReceiver({ sampleRate: RATE, onEvent: (e) => events.push(e) });
    const ac = new AbortController();
    let total = 0;
    const guard = setTimeout(() => ac.abort(), 30_000);
    try {
      await createAlsaAdapter({ kind: 'alsa', device: 'eas_feed', rate: RATE, channels: 1 }, { env: feed.env }).run({
        emit(block) {
          if (ac.signal.aborted) return;
          // Only the file's worth: after it ends alsa-lib repeats stale (silent) buffers.
          const take = Math.min(block.length, alert.length - total);
          rx.push(block.subarray(0, take));
          total += take;
          if (total >= alert.length) ac.abort();
        },
        setNowPlaying() {},
        setSignalDb() {},
        log() {},
        signal: ac.signal,
      });
    } finally {
      clearTimeout(guard);
    }
    rx.flush();
    expect(total).toBe(alert.length);
    const headers = events.filter((e) => e.type === 'header');
    expect(headers.map((h) => h.raw)).toEqual([HEADER]);
    expect(events.some((e) => e.type === 'eom')).toBe(true);
    expect(events.some((e) => e.type === 'attention' && e.phase === 'start' && e.kind === 'nwr')).toBe(true);
  });
});
