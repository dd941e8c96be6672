// The Icecast player's watch over its <audio> element (renderer/src/audio/playback-watch.ts),
// driven by a hand clock: the start timeout, buffering, the underrun report, a dropped mount.
import { describe, expect, it } from 'vitest';
import { PlaybackWatch, START_MAX_MS, START_TIMEOUT_MS, STALL_MS, STALL_REPORT_MS } from '../../renderer/src/audio/playback-watch';

describe('the Icecast player watch', () => {
  it('fails a mount that answered but never played, after START_TIMEOUT_MS', () => {
    const w = new PlaybackWatch(1000);
    expect(w.tick(1000 + START_TIMEOUT_MS - 1, 0)).toBeNull();
    expect(w.tick(1000 + START_TIMEOUT_MS, 0)).toEqual({ kind: 'failed', reason: 'the mount sent no audio' });
  });

  it('waits for a slow start while data arrives, but not for a mount that stops sending, nor forever', () => {
    const slow = new PlaybackWatch(0);
    for (let t = 300; t <= 9000; t += 300) {
      slow.progress(t);
      expect(slow.tick(t, 0), `tick at ${t} ms with data arriving`).toBeNull();
    }
    slow.playing(9100);
    expect(slow.tick(9200, 0.1)).toBeNull();

    const stops = new PlaybackWatch(0);
    stops.progress(500);
    expect(stops.tick(500 + START_TIMEOUT_MS - 1, 0)).toBeNull();
    expect(stops.tick(500 + START_TIMEOUT_MS, 0)).toEqual({ kind: 'failed', reason: 'the mount stopped sending audio before it played' });

    const never = new PlaybackWatch(0);
    let t = 0;
    for (; t < START_MAX_MS; t += 300) {
      never.progress(t);
      expect(never.tick(t, 0)).toBeNull();
    }
    never.progress(t);
    expect(never.tick(t, 0)).toEqual({ kind: 'failed', reason: 'the mount did not start playing' });
  });

  it('has no start timeout once the element played', () => {
    const w = new PlaybackWatch(0);
    w.playing(500);
    let t = 500;
    for (let i = 1; t < 3 * START_TIMEOUT_MS; i++) expect(w.tick((t += 200), i * 0.2), `tick at ${t} ms`).toBeNull();
  });

  it('says buffering once per wait after playing, not before the first play', () => {
    const w = new PlaybackWatch(0);
    expect(w.waiting(10), 'a wait before the first play is the start').toBe(false);
    w.playing(100);
    expect(w.waiting(200)).toBe(true);
    expect(w.waiting(250), 'the same wait').toBe(false);
    w.playing(300);
    expect(w.waiting(400), 'a new wait').toBe(true);
  });

  it('reports an underrun once after STALL_REPORT_MS of waiting, then a dropped mount after STALL_MS without progress', () => {
    const w = new PlaybackWatch(0);
    w.playing(0);
    expect(w.tick(200, 0.2)).toBeNull();
    w.waiting(200);
    expect(w.tick(200 + STALL_REPORT_MS - 1, 0.2)).toBeNull();
    expect(w.tick(200 + STALL_REPORT_MS, 0.2)).toEqual({ kind: 'stalled' });
    expect(w.tick(200 + STALL_REPORT_MS + 200, 0.2), 'reported once').toBeNull();
    expect(w.tick(200 + STALL_MS + 1, 0.2)).toEqual({ kind: 'failed', reason: 'the mount stopped delivering audio' });
  });

  it('a short wait at the live edge is neither an underrun nor a drop', () => {
    const w = new PlaybackWatch(0);
    w.playing(0);
    w.waiting(100);
    expect(w.tick(300, 0.3)).toBeNull();
    w.playing(350);
    expect(w.tick(800, 0.8)).toBeNull();
    expect(w.tick(800 + STALL_REPORT_MS, 1.2)).toBeNull();
  });
});
