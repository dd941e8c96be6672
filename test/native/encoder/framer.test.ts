import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createFramer, oggCrc, setOggPageSeq, type EncodedUnit } from '../../../native/encoder/framer';
import { SkeletonInjector } from '../../../native/encoder/ogg-skeleton';
import { ffmpegPath } from '../../../native/ffmpeg-path';

/** A real encoded stream from the bundled ffmpeg (a 2 s tone). */
function encode(args: string[], rate: number): Buffer {
  return execFileSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `sine=f=440:r=${rate}`, '-t', '2', '-ac', '1', ...args, 'pipe:1'], { maxBuffer: 1 << 24 });
}

/** Feeds `data` in random-sized chunks (1..700 bytes), as a pipe would deliver it. */
function frameAll(kind: 'mp3' | 'adts' | 'ogg', data: Buffer, seed = 1): { units: EncodedUnit[]; skipped: number } {
  const f = createFramer(kind);
  const units: EncodedUnit[] = [];
  let s = seed;
  for (let i = 0; i < data.length; ) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const n = 1 + (s % 700);
    units.push(...f.push(data.subarray(i, i + n)));
    i += n;
  }
  return { units, skipped: f.skippedBytes };
}

describe('framer', () => {
  it('cuts MP3 (MPEG-2 layer III at 22050 Hz) into whole frames, across any chunking', () => {
    const mp3 = encode(['-c:a', 'libmp3lame', '-b:a', '64k', '-f', 'mp3', '-id3v2_version', '0', '-write_xing', '0'], 22050);
    const { units, skipped } = frameAll('mp3', mp3);
    expect(skipped).toBe(0);
    expect(Buffer.concat(units.map((u) => u.data)).equals(mp3)).toBe(true);
    // 576 samples per MPEG-2 frame: 2 s at 22050 Hz is ~77 frames (+ encoder delay and flush).
    expect(units.length).toBeGreaterThanOrEqual(77);
    expect(units.length).toBeLessThan(82);
    for (const u of units) expect(u.data[0]).toBe(0xff);
  });

  it('skips junk (an ID3 tag) before the first MP3 frame and counts it', () => {
    const mp3 = encode(['-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3', '-write_xing', '0'], 44100);
    const { units, skipped } = frameAll('mp3', mp3, 7);
    expect(skipped).toBeGreaterThan(0);
    expect(skipped + units.reduce((n, u) => n + u.data.length, 0)).toBe(mp3.length);
  });

  it('cuts ADTS into whole frames', () => {
    const aac = encode(['-c:a', 'aac', '-b:a', '64k', '-f', 'adts'], 22050);
    const { units, skipped } = frameAll('adts', aac, 3);
    expect(skipped).toBe(0);
    expect(Buffer.concat(units.map((u) => u.data)).equals(aac)).toBe(true);
    // 1024 samples per AAC frame.
    expect(units.length).toBeGreaterThanOrEqual(43);
  });

  for (const [name, args, rate, headerPages] of [
    ['vorbis', ['-c:a', 'libvorbis', '-b:a', '64k', '-f', 'ogg', '-page_duration', '100000'], 22050, 2],
    ['opus', ['-c:a', 'libopus', '-b:a', '48k', '-f', 'ogg', '-page_duration', '100000'], 48000, 2],
  ] as const) {
    it(`cuts Ogg ${name} into pages and knows the header pages`, () => {
      const ogg = encode([...args], rate);
      const { units, skipped } = frameAll('ogg', ogg, 5);
      expect(skipped).toBe(0);
      expect(Buffer.concat(units.map((u) => u.data)).equals(ogg)).toBe(true);
      expect(units.filter((u) => u.kind === 'header').length).toBe(headerPages);
      expect(units[0]!.bos).toBe(true);
      expect(units.slice(0, headerPages).every((u) => u.kind === 'header')).toBe(true);
      // ~100 ms pages: 2 s of audio is ~20 audio pages, not 2.
      expect(units.length - headerPages).toBeGreaterThanOrEqual(18);
      for (const [i, u] of units.entries()) expect(u.pageSeq).toBe(i);
      // Our CRC matches ffmpeg's on every page.
      for (const u of units) {
        const copy = Buffer.from(u.data);
        const stored = copy.readUInt32LE(22);
        copy.writeUInt32LE(0, 22);
        expect(oggCrc(copy)).toBe(stored);
      }
    });
  }

  it('renumbered pages keep a valid CRC and still decode', () => {
    const ogg = encode(['-c:a', 'libopus', '-b:a', '48k', '-f', 'ogg', '-page_duration', '100000'], 48000);
    const { units } = frameAll('ogg', ogg);
    // Drop five audio pages and close the sequence gap, as the sender does.
    const kept = units.filter((_, i) => i < 5 || i >= 10);
    kept.forEach((u, i) => {
      u.data = Buffer.from(u.data);
      setOggPageSeq(u.data, i);
    });
    for (const u of kept) {
      const copy = Buffer.from(u.data);
      const stored = copy.readUInt32LE(22);
      copy.writeUInt32LE(0, 22);
      expect(oggCrc(copy)).toBe(stored);
    }
    const pcm = execFileSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-f', 'ogg', '-i', 'pipe:0', '-f', 's16le', '-ac', '1', '-ar', '48000', 'pipe:1'], { input: Buffer.concat(kept.map((u) => u.data)), maxBuffer: 1 << 24 });
    expect(pcm.length / 2 / 48000).toBeGreaterThan(1.2);
  });

  it('Skeleton in front of each Vorbis chain: header group in order, and the stream still decodes', () => {
    const args = ['-c:a', 'libvorbis', '-b:a', '48k', '-f', 'ogg', '-page_duration', '100000'];
    // Two chains back to back, as after a title change.
    const ogg = Buffer.concat([encode(args, 22050), encode([...args, '-serial_offset', '7'], 22050)]);
    const inj = new SkeletonInjector();
    const units = inj.process(frameAll('ogg', ogg).units);
    const groupStarts = units.flatMap((u, i) => (u.bos && (i === 0 || !units[i - 1]!.bos) ? [i] : []));
    expect(groupStarts.length).toBe(2);
    for (const g of groupStarts) {
      const group = units.slice(g, g + 5);
      const text = (u: EncodedUnit): string => u.data.subarray(27 + u.data[26]!, 27 + u.data[26]! + 8).toString('latin1');
      expect(text(group[0]!)).toBe('fishead\0');
      expect(group[0]!.bos && group[1]!.bos).toBe(true);
      expect(text(group[2]!)).toBe('fisbone\0');
      expect(group[4]!.data[5]! & 0x04).toBe(0x04); // Skeleton EOS after the Vorbis headers
      expect(group.every((u) => u.kind === 'header')).toBe(true);
    }
    for (const u of units) {
      const copy = Buffer.from(u.data);
      const stored = copy.readUInt32LE(22);
      copy.writeUInt32LE(0, 22);
      expect(oggCrc(copy)).toBe(stored);
    }
    const pcm = execFileSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-f', 'ogg', '-i', 'pipe:0', '-f', 's16le', '-ac', '1', '-ar', '22050', 'pipe:1'], { input: Buffer.concat(units.map((u) => u.data)), maxBuffer: 1 << 24 });
    // ffmpeg's Ogg demuxer follows the first chain at least; the Skeleton does not disturb it.
    expect(pcm.length / 2 / 22050).toBeGreaterThan(1.9);
  });
});
