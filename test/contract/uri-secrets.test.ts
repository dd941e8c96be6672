import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSourceUri, redactUri } from '../../electron/contract';
import {
  hasMaskedSecret,
  hasUriSecret,
  isSecretParam,
  joinUriSecret,
  maskUri,
  restoreUriSecrets,
  splitUriSecret,
} from '../../electron/contract/sources/uri-secrets';

describe('maskUri', () => {
  it.each([
    ['http://user:PASSWORD@radio.example/live.mp3', 'http://user:***@radio.example/live.mp3'],
    ['https://user:p%40ss@radio.example:8443/a?b=1', 'https://user:***@radio.example:8443/a?b=1'],
    // Raw @ inside the password: the last @ of the authority ends the userinfo, as URL parsers read it.
    ['http://user:p@ss@radio.example/x', 'http://user:***@radio.example/x'],
    ['http://APIKEY123@radio.example/x', 'http://***@radio.example/x'],
    ['http://radio.example/x?token=abc&format=mp3', 'http://radio.example/x?token=***&format=mp3'],
    ['http://radio.example/x?access_token=a&apiKey=b&X-Amz-Signature=c&sig=d&mount=e', 'http://radio.example/x?access_token=***&apiKey=***&X-Amz-Signature=***&sig=***&mount=e'],
    ['http://radio.example/x?password=a#frag', 'http://radio.example/x?password=***#frag'],
    ['rtltcp://u:secret@10.0.0.2:1234?freq=162.55M', 'rtltcp://u:***@10.0.0.2:1234?freq=162.55M'],
    ['http://radio.example/@user/stream', 'http://radio.example/@user/stream'],
    ['demo:', 'demo:'],
    ['file:/srv/a b.mp3?loop=1', 'file:/srv/a b.mp3?loop=1'],
    ['rtlsdr:?freq=wx1&gain=auto', 'rtlsdr:?freq=wx1&gain=auto'],
    ['not a uri', 'not a uri'],
  ])('%s', (uri, masked) => {
    expect(maskUri(uri)).toBe(masked);
    expect(redactUri(uri)).toBe(masked);
  });

  it('an unparsable URI is masked on the wider reading, so no piece of the password shows', () => {
    expect(maskUri('http://user:pa/ss@host/x')).toBe('http://user:***@host/x');
    expect(maskUri('http://u:pa\\ss@host/x')).toBe('http://u:***@host/x');
  });

  it('masked URIs are still valid source URIs (the settings schema takes them)', () => {
    for (const uri of ['http://user:PASSWORD@radio.example/live.mp3', 'http://radio.example/x?token=abc', 'http://KEY@radio.example/']) {
      expect(() => parseSourceUri(maskUri(uri))).not.toThrow();
    }
  });

  it('no password ever survives masking (property)', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9%!$&'()*+,;=@._~-]{6,20}$/).filter((s) => !s.includes('***'));
    fc.assert(
      fc.property(secret, fc.constantFrom('http', 'https', 'rtltcp'), fc.constantFrom('/live', '/a/b.mp3?x=1', ''), (pw, scheme, tail) => {
        const uri = `${scheme}://source:${pw}@radio.example:8000${tail}`;
        const masked = maskUri(uri);
        expect(masked).not.toContain(pw);
        expect(restoreUriSecrets(masked, uri)).toBe(uri);
      }),
    );
  });

  it('names credential-like query parameters by word', () => {
    for (const n of ['token', 'Token', 'access_token', 'apikey', 'api-key', 'authToken', 'passwd', 'X-Amz-Credential', 'sid']) expect(isSecretParam(n), n).toBe(true);
    for (const n of ['freq', 'mount', 'format', 'monkey', 'signal', 'keyword', 'bitrate']) expect(isSecretParam(n), n).toBe(false);
  });
});

describe('restoreUriSecrets', () => {
  const stored = 'http://user:PASSWORD@radio.example/live.mp3?token=T1&format=mp3';

  it('a masked URI sent back becomes the stored one exactly', () => {
    expect(restoreUriSecrets(maskUri(stored), stored)).toBe(stored);
  });

  it('keeps the masked credentials across a path or parameter edit on the same server', () => {
    expect(restoreUriSecrets('http://user:***@radio.example/other.mp3?token=***&format=aac', stored)).toBe(
      'http://user:PASSWORD@radio.example/other.mp3?token=T1&format=aac',
    );
  });

  it('never sends a stored credential to another host, port or scheme', () => {
    for (const target of ['http://user:***@evil.example/live.mp3', 'http://user:***@radio.example:81/live.mp3', 'https://user:***@radio.example/live.mp3']) {
      const out = restoreUriSecrets(target, stored);
      expect(out).not.toContain('PASSWORD');
      expect(hasMaskedSecret(out)).toBe(true);
    }
  });

  it('a newly typed credential wins over the stored one', () => {
    expect(restoreUriSecrets('http://user:NEW@radio.example/live.mp3?token=T2', stored)).toBe('http://user:NEW@radio.example/live.mp3?token=T2');
  });

  it('a username-only key and a URI that never had a secret', () => {
    expect(restoreUriSecrets('http://***@radio.example/x', 'http://KEY@radio.example/y')).toBe('http://KEY@radio.example/x');
    expect(restoreUriSecrets('demo:', null)).toBe('demo:');
    expect(restoreUriSecrets('http://radio.example/x', stored)).toBe('http://radio.example/x');
  });
});

describe('splitUriSecret / joinUriSecret', () => {
  it('the settings copy holds no secret; the pair gives the original back', () => {
    const original = 'https://u:S3CRET@radio.example/s.mp3?key=K';
    const { uri, secret } = splitUriSecret(original);
    expect(uri).toBe('https://u:***@radio.example/s.mp3?key=***');
    expect(uri).not.toMatch(/S3CRET|=K/);
    expect(secret).toBe(original);
    expect(joinUriSecret(uri, secret)).toBe(original);
    expect(hasUriSecret(original)).toBe(true);
    expect(splitUriSecret('demo:')).toEqual({ uri: 'demo:', secret: null });
  });
});
