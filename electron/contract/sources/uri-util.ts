/** Shared pieces of source-URI parsing; each kind's grammar lives in its own module. */
export class SourceUriError extends Error {
  /** The part of the URI at fault, e.g. "scheme", "path", "freq". */
  readonly part: string;
  constructor(part: string, message: string) {
    super(message);
    this.name = 'SourceUriError';
    this.part = part;
  }
}

export function boolParam(value: string | null, part: string, fallback: boolean): boolean {
  if (value === null) return fallback;
  if (value === '1' || value === 'true' || value === 'yes') return true;
  if (value === '0' || value === 'false' || value === 'no') return false;
  throw new SourceUriError(part, `${part} must be 0 or 1, got "${value}"`);
}

export function numberParam(value: string | null, part: string, fallback: number, min: number, max: number): number {
  if (value === null) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new SourceUriError(part, `${part} must be a number from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

export function splitQuery(rest: string): { body: string; query: URLSearchParams } {
  const q = rest.indexOf('?');
  if (q < 0) return { body: rest, query: new URLSearchParams() };
  return { body: rest.slice(0, q), query: new URLSearchParams(rest.slice(q + 1)) };
}

/** Refuses query keys a kind does not know, so a typo is named instead of silently ignored. */
export function checkKnownParams(query: URLSearchParams, known: readonly string[]): void {
  for (const key of query.keys()) {
    if (!known.includes(key)) {
      throw new SourceUriError(key, `unknown parameter "${key}"; known: ${known.join(', ') || 'none'}`);
    }
  }
}
