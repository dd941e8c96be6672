import { afterEach, describe, expect, it } from 'vitest';
import { encodeSame, SameReceiver } from '../../../electron/core/same';
import type { SameEvent } from '../../../electron/core/same';
import { createAlsaAdapter } from '../../../electron/engine/sources/alsa';
import { cleanupAlsaFeeds, FEED_DEVICE, makeAlsaFeed } from '../../helpers/alsa-feed';
import { runCapture } from '../../helpers/capture-run';

const RATE = 22050;
const HEADER = 'ZCZC-WXR-TOR-029095-029037+0045-1051700-KEAX/NWS-';

describe('ALSA end to end: a SAME alert through real capture is decoded', () => {
  afterEach(async () => {
    expect(await cleanupAlsaFeeds(), 'arecord processes left running after the test (now killed)').toEqual([]);
  });

  it('decodes the header and the EOM from an ALSA file-plugin device', async () => {
    const alert = encodeSame({ header: HEADER, sampleRate: RATE, attention: { kind: 'nwr', seconds: 2 }, leadSilenceS: 0.5, tailSilenceS: 2 });
    const feed = makeAlsaFeed(alert);
    // Only the file's worth: after it ends alsa-lib repeats stale (silent) buffers.
    const { audio } = await runCapture('the alert through eas_feed', (ctx) => createAlsaAdapter({ kind: 'alsa', device: FEED_DEVICE, rate: RATE, channels: 1 }, { env: feed.env }).run(ctx), {
      wantSamples: alert.length,
      deliverWithinMs: 20_000,
    });
    const events: SameEvent[] = [];
    const rx = new SameReceiver({ sampleRate: RATE, onEvent: (e) => events.push(e) });
    rx.push(audio);
    rx.flush();
    const headers = events.filter((e) => e.type === 'header');
    expect(headers.map((h) => h.raw)).toEqual([HEADER]);
    expect(events.some((e) => e.type === 'eom')).toBe(true);
    expect(events.some((e) => e.type === 'attention' && e.phase === 'start' && e.kind === 'nwr')).toBe(true);
  });
});
