import { useEffect, useRef, useState } from 'react';
import WaveSurfer from 'wavesurfer.js';
import TimelinePlugin from 'wavesurfer.js/plugins/timeline';
import type { ArchiveSegment } from '@contract';
import { withShadowStyles } from '../../audio/shadow-styles';
import { cssVar } from '../../lib/canvas';

/** Zoom steps, times the width that fits the whole segment (about a minute): 16x shows ~4 s. */
export const ZOOMS = [1, 2, 4, 8, 16] as const;

interface Props {
  /** The segment's range-served audio URL (no fragment). */
  url: string;
  seg: ArchiveSegment;
  offsetS: number;
  speed: number;
  zoom: number;
  /** Where in the segment playback is, s (about 4 times a second while it plays). */
  onTime(s: number): void;
  /** The segment played to its end, having reached `playedS`. */
  onEnded(playedS: number): void;
}

type Decoded = { data: Float32Array; durationS: number };
/**
 * The last few decoded segments: a seek inside the playing segment remounts the player, and
 * must not fetch and decode the same file again. Keyed with the length, as a segment still
 * being written grows.
 */
const decoded = new Map<string, Decoded>();
const DECODED_KEEP = 3;

async function decodeSegment(url: string, key: string): Promise<Decoded> {
  const hit = decoded.get(key);
  if (hit) return hit;
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(res.status === 404 ? 'the segment is gone from the archive' : `HTTP ${res.status}`);
  const buf = await new OfflineAudioContext(1, 1, 22050).decodeAudioData(await res.arrayBuffer());
  const out = { data: buf.getChannelData(0), durationS: buf.duration };
  decoded.set(key, out);
  while (decoded.size > DECODED_KEEP) decoded.delete(decoded.keys().next().value!);
  return out;
}

function clock(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:${String(d.getSeconds()).padStart(2, '0')}`;
}

/**
 * One archive segment playing: the <audio> element streams it by range requests (seeking never
 * loads more than the part played), and under the day's timeline a wavesurfer.js view of that
 * segment, the minute around the playhead, drawn from the one file fetched and decoded here (a
 * segment is ~180 KB at 24 kbit/s; never a day). wavesurfer is given the <audio> element as
 * its media, so its cursor is the playback position and a click on it seeks the same element.
 * Its shadow-root <style> goes into a constructed sheet (audio/shadow-styles.ts): the CSP
 * stays strict.
 */
export function SegmentPlayer({ url, seg, offsetS, speed, zoom, onTime, onEnded }: Props) {
  const audio = useRef<HTMLAudioElement>(null);
  const waveBox = useRef<HTMLDivElement>(null);
  const ws = useRef<WaveSurfer | null>(null);
  const [samples, setSamples] = useState<Decoded | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    setSamples(null);
    setState('loading');
    decodeSegment(url, `${url}|${seg.state}|${seg.bytes}`).then((d) => {
      if (!cancelled) setSamples(d);
    }).catch((err: unknown) => {
      // The waveform is a help: playback goes on without it.
      if (!cancelled) {
        setState('error');
        setError(`no waveform: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    return () => {
      cancelled = true;
    };
  }, [url, seg.state, seg.bytes]);

  useEffect(() => {
    const container = waveBox.current;
    const media = audio.current;
    if (!container || !media || !samples) return;
    const surfer = withShadowStyles(() =>
      WaveSurfer.create({
        container,
        media,
        height: 64,
        waveColor: cssVar('--wave', '#7f9cc0'),
        progressColor: cssVar('--wave-program', '#33d1ff'),
        cursorColor: cssVar('--text', '#e6edf3'),
        cursorWidth: 2,
        normalize: true,
        dragToSeek: true,
        autoScroll: true,
        autoCenter: true,
        plugins: [TimelinePlugin.create({ height: 14, formatTimeCallback: (s) => clock(seg.startUtcMs + s * 1000), style: { color: cssVar('--muted', '#8b98a5') } })],
      }),
    );
    ws.current = surfer;
    const offs = [surfer.on('ready', () => setState('ready')), surfer.on('error', (err) => setError(`waveform: ${err.message}`))];
    // The element's own URL: wavesurfer then leaves its source (and the range streaming) alone.
    void surfer.load(media.currentSrc || media.src, [samples.data], samples.durationS).catch(() => setState('error'));
    return () => {
      for (const off of offs) off();
      ws.current = null;
      surfer.destroy();
    };
  }, [samples, seg.startUtcMs]);

  useEffect(() => {
    const surfer = ws.current;
    const width = waveBox.current?.clientWidth ?? 0;
    if (state !== 'ready' || !surfer || !samples) return;
    const factor = ZOOMS[zoom] ?? 1;
    // 0 is wavesurfer's "fit the container".
    surfer.zoom(factor === 1 ? 0 : (width / samples.durationS) * factor);
  }, [zoom, state, samples]);

  useEffect(() => {
    if (audio.current) audio.current.playbackRate = speed;
  }, [speed]);

  return (
    <div className="archive-player">
      <audio
        ref={audio}
        src={`${url}#t=${offsetS.toFixed(2)}`}
        controls
        autoPlay
        onLoadedMetadata={(e) => (e.currentTarget.playbackRate = speed)}
        onTimeUpdate={(e) => onTime(e.currentTarget.currentTime)}
        onEnded={(e) => onEnded(e.currentTarget.currentTime)}
        data-testid="archive-audio"
      />
      <div
        ref={waveBox}
        className="archive-zoom-wave"
        data-testid="archive-zoom"
        data-state={state}
        data-segment={seg.name}
        title="Click or drag to seek"
      />
      {error && <span className="small muted">{error}</span>}
    </div>
  );
}
