/**
 * ICY (SHOUTcast/Icecast) in-band metadata: with `Icy-MetaData: 1` the server puts a
 * metadata block after every `icy-metaint` audio bytes: one length byte L, then L*16 bytes
 * of text like "StreamTitle='Artist - Song';StreamUrl='';" padded with NULs. The audio
 * must reach the decoder without these blocks, or it hears them as corrupt frames.
 */
export class IcyDemuxer {
  private untilMeta: number;
  /** -1 while in audio; else bytes of metadata still to read (0: expecting the length byte). */
  private metaLeft = -1;
  private readonly meta: Uint8Array = new Uint8Array(255 * 16);
  private metaLen = 0;
  private metaFill = 0;

  constructor(
    private readonly metaint: number,
    private readonly onAudio: (chunk: Uint8Array) => void,
    private readonly onMeta: (text: string) => void,
  ) {
    if (!Number.isInteger(metaint) || metaint <= 0) throw new RangeError(`icy-metaint must be a positive integer, got ${metaint}`);
    this.untilMeta = metaint;
  }

  push(chunk: Uint8Array): void {
    let pos = 0;
    const n = chunk.length;
    while (pos < n) {
      if (this.metaLeft < 0) {
        const take = Math.min(this.untilMeta, n - pos);
        this.onAudio(chunk.subarray(pos, pos + take));
        pos += take;
        this.untilMeta -= take;
        if (this.untilMeta === 0) this.metaLeft = 0;
      } else if (this.metaLeft === 0 && this.metaLen === 0) {
        const len = chunk[pos++]! * 16;
        if (len === 0) this.endMeta(false);
        else {
          this.metaLen = len;
          this.metaLeft = len;
          this.metaFill = 0;
        }
      } else {
        const take = Math.min(this.metaLeft, n - pos);
        this.meta.set(chunk.subarray(pos, pos + take), this.metaFill);
        this.metaFill += take;
        this.metaLeft -= take;
        pos += take;
        if (this.metaLeft === 0) this.endMeta(true);
      }
    }
  }

  private endMeta(hasText: boolean): void {
    if (hasText) this.onMeta(decodeMetaText(this.meta.subarray(0, this.metaFill)));
    this.metaLeft = -1;
    this.metaLen = 0;
    this.untilMeta = this.metaint;
  }
}

function decodeMetaText(bytes: Uint8Array): string {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  const body = bytes.subarray(0, end);
  const utf8 = new TextDecoder('utf-8').decode(body);
  // Old servers send Latin-1; invalid UTF-8 is the tell.
  return utf8.includes('\ufffd') ? new TextDecoder('latin1').decode(body) : utf8;
}

/** Parses "Key='value';Key2='value2';" (values may contain quotes, e.g. "Guns N' Roses"). */
export function parseIcyMetadata(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Za-z][A-Za-z0-9_]*)='(.*?)';(?=\s*(?:[A-Za-z][A-Za-z0-9_]*='|$))/gs;
  for (const m of text.matchAll(re)) out[m[1]!] = m[2]!;
  return out;
}

/** The "now playing" text of a metadata block, or null when it has none (empty title). */
export function icyTitle(text: string): string | null {
  const title = parseIcyMetadata(text).StreamTitle?.trim();
  return title ? title : null;
}
