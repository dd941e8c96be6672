/**
 * A JSON reader for what Icecast 2.4's status-json.xsl really sends. The page is made by an
 * XSLT (xml2json.xslt) that writes JSON text by hand, and it goes wrong in known ways
 * (measured on Icecast 2.4.4, and reported upstream as xiph/Icecast-Server#34, #38, #43, #74):
 *
 * - A value that XPath's number() accepts is written unquoted: "-", ".5", "1.", "-05", "1e"
 *   (a stream titled "-" gives `"title":-,`).
 * - An object whose first child is a hidden node loses its "{": a server that has not yet
 *   published its global stats gives `{"icestats":"server_start":"...","dummy":null}}`.
 * - Control characters other than tab, CR and LF are copied raw into strings.
 *
 * So this reader takes: bare values (valid numbers and true/false/null as JSON reads them,
 * anything else as the text itself), a string key where a value should start (an object that
 * lost its "{"), raw control characters, missing or doubled commas, and text after the end of
 * the document. It still refuses a document cut short: a truncated page must not read as one
 * with fewer mounts.
 */
export class LenientJsonError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`);
    this.name = 'LenientJsonError';
  }
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

export function parseLenientJson(text: string): unknown {
  let i = 0;

  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const fail = (what: string): never => {
    throw new LenientJsonError(i >= text.length ? `document ends inside ${what}` : `unexpected "${text[i]}" in ${what}`, i);
  };

  const string = (): string => {
    i++; // opening quote
    let out = '';
    for (;;) {
      if (i >= text.length) fail('a string');
      const c = text[i++];
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[i++];
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i, i + 4))) {
        out += String.fromCharCode(parseInt(text.slice(i, i + 4), 16));
        i += 4;
      } else if (e !== undefined && e in ESCAPES) {
        out += ESCAPES[e];
      } else {
        // Not a JSON escape: keep what was written.
        out += `\\${e ?? ''}`;
      }
    }
  };

  /** An unquoted value: up to the next , } or ] (number-like text never holds those). */
  const bare = (): unknown => {
    const start = i;
    while (i < text.length && text[i] !== ',' && text[i] !== '}' && text[i] !== ']') i++;
    if (i >= text.length) fail('a value');
    const token = text.slice(start, i).trim();
    if (token === '') return null;
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (token === 'null') return null;
    return JSON_NUMBER.test(token) ? Number(token) : token;
  };

  /**
   * Between items of an object or array: true once past `close`, false at the start of the
   * next item. Missing and doubled commas are both let through.
   */
  const closes = (close: '}' | ']', what: string): boolean => {
    for (;;) {
      ws();
      if (i >= text.length) fail(what);
      if (text[i] === close) {
        i++;
        return true;
      }
      if (text[i] !== ',') return false;
      i++;
    }
  };

  /** Members up to and including the closing "}"; `first` is a key already read. */
  const members = (first: string | null): Record<string, unknown> => {
    const obj: Record<string, unknown> = {};
    let key = first;
    for (;;) {
      if (key === null) {
        if (closes('}', 'an object')) return obj;
        if (text[i] !== '"') fail('an object key');
        key = string();
      }
      ws();
      if (text[i] !== ':') fail(`the member "${key}"`);
      i++;
      obj[key] = value();
      key = null;
    }
  };

  const array = (): unknown[] => {
    i++; // [
    const out: unknown[] = [];
    for (;;) {
      if (closes(']', 'an array')) return out;
      out.push(value());
    }
  };

  function value(): unknown {
    ws();
    if (i >= text.length) fail('a value');
    const c = text[i];
    if (c === '{') {
      i++;
      return members(null);
    }
    if (c === '[') return array();
    if (c === '"') {
      const s = string();
      const after = i;
      ws();
      // A key where a value should be: the object lost its "{".
      if (text[i] === ':') return members(s);
      i = after;
      return s;
    }
    return bare();
  }

  const doc = value();
  // Whatever follows a complete document (an extra "}") is not ours to read.
  return doc;
}
