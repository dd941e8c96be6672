import { oggCrc, type EncodedUnit } from './framer';

/**
 * Ogg Skeleton 3.0 pages to put in front of an Ogg Vorbis chain. Why: Icecast 2.4 rebuilds
 * a Vorbis-only Ogg stream into its own pages of ~0.5 s (format_vorbis.c,
 * page_samples_trigger = rate / 2) so it can splice in metadata; that alone puts a
 * listener 0.3-0.5 s further behind. With a second logical stream in the group (Skeleton,
 * which every Ogg demuxer knows and skips) it passes our 100 ms pages through untouched.
 * The cost: updinfo no longer changes a Vorbis title, so titles travel in a new chain's
 * comment header, as for Opus; and decoders on older FFmpeg (4.1 here, Chromium's
 * decodeAudioData too) stop at a second chain that carries a Skeleton, while libvorbisfile
 * (sox, most players) goes on. Hence opt-in (StreamManagerOptions.vorbisSkeleton).
 */
export function buildOggPage(opts: { serial: number; seq: number; granule: bigint; flags: number; packets: Buffer[] }): Buffer {
  const lacing: number[] = [];
  for (const p of opts.packets) {
    let n = p.length;
    while (n >= 255) {
      lacing.push(255);
      n -= 255;
    }
    lacing.push(n);
  }
  if (lacing.length > 255) throw new Error('Ogg page too large');
  const body = Buffer.concat(opts.packets);
  const page = Buffer.alloc(27 + lacing.length + body.length);
  page.write('OggS', 0, 'latin1');
  page[4] = 0;
  page[5] = opts.flags;
  page.writeBigInt64LE(opts.granule, 6);
  page.writeUInt32LE(opts.serial >>> 0, 14);
  page.writeUInt32LE(opts.seq >>> 0, 18);
  page.writeUInt32LE(0, 22);
  page[26] = lacing.length;
  Buffer.from(lacing).copy(page, 27);
  body.copy(page, 27 + lacing.length);
  page.writeUInt32LE(oggCrc(page), 22);
  return page;
}

function fishead(): Buffer {
  const b = Buffer.alloc(64);
  b.write('fishead\0', 0, 'latin1');
  b.writeUInt16LE(3, 8); // version 3.0
  b.writeUInt16LE(0, 10);
  b.writeBigInt64LE(0n, 12); // presentation time 0/1000
  b.writeBigInt64LE(1000n, 20);
  b.writeBigInt64LE(0n, 28); // base time 0/1000
  b.writeBigInt64LE(1000n, 36);
  // 20 bytes of UTC time: zero = unset
  return b;
}

function fisbone(serial: number, headerPackets: number, rate: number, contentType: string): Buffer {
  const fields = Buffer.from(`Content-Type: ${contentType}\r\nRole: audio/main\r\n`, 'latin1');
  const b = Buffer.alloc(52 + fields.length);
  b.write('fisbone\0', 0, 'latin1');
  b.writeUInt32LE(44, 8); // offset from this field to the message header fields
  b.writeUInt32LE(serial >>> 0, 12);
  b.writeUInt32LE(headerPackets, 16);
  b.writeBigInt64LE(BigInt(rate), 20); // granule rate numerator
  b.writeBigInt64LE(1n, 28); // denominator
  b.writeBigInt64LE(0n, 36); // base granule
  b.writeUInt32LE(2, 44); // preroll: Vorbis needs the previous packet
  b[48] = 0; // granule shift
  fields.copy(b, 52);
  return b;
}

/**
 * Wraps a framer's output: each Vorbis chain gets a Skeleton stream in its header group
 * (Skeleton BOS before the Vorbis BOS, its fisbone after, its EOS after the last Vorbis
 * header page). Other units pass unchanged.
 */
export class SkeletonInjector {
  private pendingFisbone: { serial: number; rate: number } | null = null;
  private skeletonSerial = 0;
  private headersLeft = 0;

  process(units: EncodedUnit[]): EncodedUnit[] {
    const out: EncodedUnit[] = [];
    for (const u of units) {
      if (u.bos && u.kind === 'header' && isVorbisBos(u.data)) {
        this.skeletonSerial = (u.serial ^ 0x5ce1e70) >>> 0 || 1;
        const rate = u.data.readUInt32LE(27 + u.data[26]! + 12);
        out.push(this.unit(buildOggPage({ serial: this.skeletonSerial, seq: 0, granule: 0n, flags: 0x02, packets: [fishead()] }), true));
        out.push(u);
        this.pendingFisbone = { serial: u.serial, rate };
        this.headersLeft = 2; // comment + setup follow (on one or two pages)
        out.push(this.unit(buildOggPage({ serial: this.skeletonSerial, seq: 1, granule: 0n, flags: 0, packets: [fisbone(u.serial, 3, rate, 'audio/vorbis')] }), false));
        continue;
      }
      if (this.pendingFisbone && u.kind === 'header' && u.serial === this.pendingFisbone.serial) {
        out.push(u);
        for (let i = 0; i < u.data[26]!; i++) if (u.data[27 + i]! < 255) this.headersLeft--;
        if (this.headersLeft <= 0) {
          out.push(this.unit(buildOggPage({ serial: this.skeletonSerial, seq: 2, granule: 0n, flags: 0x04, packets: [Buffer.alloc(0)] }), false));
          this.pendingFisbone = null;
        }
        continue;
      }
      out.push(u);
    }
    return out;
  }

  private unit(data: Buffer, bos: boolean): EncodedUnit {
    return { data, kind: 'header', bos, serial: this.skeletonSerial, pageSeq: data.readUInt32LE(18) };
  }
}

function isVorbisBos(page: Buffer): boolean {
  const off = 27 + page[26]!;
  return page[off] === 1 && page.subarray(off + 1, off + 7).toString('latin1') === 'vorbis';
}
