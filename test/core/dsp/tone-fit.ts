/**
 * Least-squares fit of a·cos + b·sin + c at a known frequency: the recovered tone's amplitude
 * and the SNR of what is left over (noise + distortion), the usual way to grade a demodulator.
 */
export function fitTone(x: Float32Array, freqHz: number, rate: number): { amplitude: number; snrDb: number; dc: number } {
  const w = (2 * Math.PI * freqHz) / rate;
  // Normal equations for [cos, sin, 1].
  const m = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const v = [0, 0, 0];
  for (let i = 0; i < x.length; i++) {
    const basis = [Math.cos(w * i), Math.sin(w * i), 1];
    for (let r = 0; r < 3; r++) {
      v[r]! += basis[r]! * x[i]!;
      for (let c = 0; c < 3; c++) m[r]![c]! += basis[r]! * basis[c]!;
    }
  }
  for (let i = 0; i < 3; i++) {
    for (let j = i + 1; j < 3; j++) {
      const f = m[j]![i]! / m[i]![i]!;
      for (let k = i; k < 3; k++) m[j]![k]! -= f * m[i]![k]!;
      v[j]! -= f * v[i]!;
    }
  }
  const s = [0, 0, 0];
  for (let i = 2; i >= 0; i--) {
    let acc = v[i]!;
    for (let k = i + 1; k < 3; k++) acc -= m[i]![k]! * s[k]!;
    s[i] = acc / m[i]![i]!;
  }
  let sig = 0;
  let res = 0;
  for (let i = 0; i < x.length; i++) {
    const model = s[0]! * Math.cos(w * i) + s[1]! * Math.sin(w * i);
    const r = x[i]! - model - s[2]!;
    sig += model * model;
    res += r * r;
  }
  return { amplitude: Math.hypot(s[0]!, s[1]!), snrDb: 10 * Math.log10(sig / res), dc: s[2]! };
}

export function rms(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / Math.max(1, x.length));
}

/** Concatenates blocks (copies; chain outputs are views of reused buffers). */
export function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
