import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { readCookie, requestCredential, tokenMatches } from '../../electron/serve/auth';
import { ConnectionCounter } from '../../electron/serve/connection-limits';
import {
  allowHostError,
  hostAllowed,
  makeHostPolicy,
  originAllowed,
  parseRequestTarget,
  screenRequest,
  splitHostPort,
  type RequestKind,
} from '../../electron/serve/request-guard';

const PORT = 8080;
const loopback = makeHostPolicy({ address: '127.0.0.1', port: PORT });
const HOST = `127.0.0.1:${PORT}`;
const OWN = `http://${HOST}`;

function screen(url: string, headers: IncomingHttpHeaders, kind: RequestKind = 'http', policy = loopback) {
  return screenRequest({ url, headers: { host: HOST, ...headers } }, policy, kind, (p) => p === '/api/health');
}

describe('request target', () => {
  it('takes origin-form paths with their query', () => {
    const t = parseRequestTarget('/api/status?token=a%20b');
    expect(t).toMatchObject({ pathname: '/api/status' });
    expect('searchParams' in t && t.searchParams.get('token')).toBe('a b');
  });

  it.each([
    ['//', 'single "/"'],
    ['//@', 'single "/"'],
    ['//evil.example/x', 'single "/"'],
    ['http://evil.example/', 'single "/"'],
    ['*', 'single "/"'],
    ['', 'no target'],
    ['/\\evil.example/x', 'backslash'],
    ['/%E0%A4%A', 'broken %-escape'],
    ['/a%ZZ', 'broken %-escape'],
    [`/${'a'.repeat(9000)}`, 'longer'],
  ])('refuses %j', (raw, why) => {
    const t = parseRequestTarget(raw);
    expect('error' in t && t.error).toContain(why);
  });
});

describe('cookies and credentials', () => {
  it('reads only its own cookie, so other apps on the host cannot break it', () => {
    expect(readCookie('other=%E0%A4%A; eas_token=abc', 'eas_token')).toEqual({ value: 'abc' });
    expect(readCookie('eas_token="q%20uoted"', 'eas_token')).toEqual({ value: 'q uoted' });
    expect(readCookie('eas_tokenx=1; x=eas_token=2', 'eas_token')).toEqual({ value: null });
    expect(readCookie(undefined, 'eas_token')).toEqual({ value: null });
    expect(readCookie('eas_token=%E0%A4%A', 'eas_token')).toMatchObject({ error: expect.stringContaining('broken %-escape') });
  });

  it('prefers Bearer, then ?token=, then the cookie, and says which', () => {
    const q = new URLSearchParams('token=fromquery');
    expect(requestCredential({ authorization: 'Bearer  abc ', cookie: 'eas_token=c' }, q)).toEqual({ token: 'abc', via: 'bearer' });
    expect(requestCredential({ authorization: 'Basic Zm9v', cookie: 'eas_token=c' }, q)).toEqual({ token: 'fromquery', via: 'query' });
    expect(requestCredential({ cookie: 'eas_token=c' }, new URLSearchParams())).toEqual({ token: 'c', via: 'cookie' });
    expect(requestCredential({}, new URLSearchParams())).toEqual({ token: null, via: null });
    // A fresh ?token= link gets past a broken cookie (and its Set-Cookie replaces it).
    expect(requestCredential({ cookie: 'eas_token=%E0%A4%A' }, q)).toEqual({ token: 'fromquery', via: 'query' });
  });

  it('compares tokens of any length without throwing', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abcd', 'abc')).toBe(false);
    expect(tokenMatches(null, 'abc')).toBe(false);
  });
});

describe('Host', () => {
  it('accepts the bound address and localhost with the port when bound to loopback', () => {
    for (const h of [HOST, `localhost:${PORT}`, `LOCALHOST:${PORT}`]) expect(hostAllowed(loopback, h), h).toBe(true);
    for (const h of ['evil.example', `evil.example:${PORT}`, '127.0.0.1:8081', '127.0.0.1', `127.0.0.2:${PORT}`, `localhost.:${PORT}`, '', `${HOST}/x`]) {
      expect(hostAllowed(loopback, h), h).toBe(false);
    }
  });

  it('takes a missing port as 80', () => {
    const p = makeHostPolicy({ address: '127.0.0.1', port: 80 });
    expect(hostAllowed(p, '127.0.0.1')).toBe(true);
    expect(hostAllowed(p, 'localhost')).toBe(true);
  });

  it('IPv6 loopback', () => {
    const p = makeHostPolicy({ address: '::1', port: PORT });
    expect(hostAllowed(p, `[::1]:${PORT}`)).toBe(true);
    expect(hostAllowed(p, `localhost:${PORT}`)).toBe(true);
    expect(hostAllowed(p, `[::2]:${PORT}`)).toBe(false);
  });

  it('a specific LAN address: that address only, not localhost', () => {
    const p = makeHostPolicy({ address: '192.168.1.5', port: PORT });
    expect(hostAllowed(p, `192.168.1.5:${PORT}`)).toBe(true);
    expect(hostAllowed(p, `localhost:${PORT}`)).toBe(false);
    expect(hostAllowed(p, `10.0.0.1:${PORT}`)).toBe(false);
  });

  it('every interface: any IP literal with the port, but no name that DNS could rebind', () => {
    const p = makeHostPolicy({ address: '0.0.0.0', port: PORT });
    expect(hostAllowed(p, `10.1.2.3:${PORT}`)).toBe(true);
    expect(hostAllowed(p, `[fe80::1]:${PORT}`)).toBe(true);
    expect(hostAllowed(p, `localhost:${PORT}`)).toBe(true);
    expect(hostAllowed(p, `10.1.2.3:${PORT + 1}`)).toBe(false);
    expect(hostAllowed(p, `station.example.org:${PORT}`)).toBe(false);
  });

  it('--allow-host names: any port without one, that port with one', () => {
    const p = makeHostPolicy({ address: '0.0.0.0', port: PORT, allowHosts: ['Station.Example.org', 'relay.lan:9000'] });
    expect(hostAllowed(p, 'station.example.org')).toBe(true);
    expect(hostAllowed(p, `station.example.org:${PORT}`)).toBe(true);
    expect(hostAllowed(p, 'relay.lan:9000')).toBe(true);
    expect(hostAllowed(p, `relay.lan:${PORT}`)).toBe(false);
    expect(p.describe).toContain('station.example.org (any port)');
  });

  it('validates --allow-host values', () => {
    for (const ok of ['station', 'station.example.org', 'a-b.lan:8443', '10.0.0.2', '[fe80::1]:80']) expect(allowHostError(ok), ok).toBeNull();
    for (const bad of ['', '*.example.org', 'http://x', 'x/y', 'a b', 'x:0', 'x:99999', '[::1', 'user@x']) expect(allowHostError(bad), bad).not.toBeNull();
    expect(() => makeHostPolicy({ address: '127.0.0.1', port: 1, allowHosts: ['a b'] })).toThrow(/--allow-host/);
  });

  it('splits host and port', () => {
    expect(splitHostPort('[::1]:80')).toEqual({ name: '[::1]', port: 80 });
    expect(splitHostPort('Example.org')).toEqual({ name: 'example.org', port: null });
    expect(splitHostPort('::1')).toBeNull();
  });
});

describe('Origin', () => {
  it('only the console itself, by any of its names', () => {
    expect(originAllowed(loopback, OWN, HOST)).toBe(true);
    expect(originAllowed(loopback, `http://localhost:${PORT}`, HOST)).toBe(true);
    for (const o of [`http://127.0.0.1:${PORT + 1}`, 'http://127.0.0.1', 'null', 'http://evil.example', `ftp://${HOST}`, `${OWN}/`, `http://u@${HOST}`, 'garbage']) {
      expect(originAllowed(loopback, o, HOST), o).toBe(false);
    }
  });

  it('an https proxy in front: the proxied name is the same origin, or an --allow-host one', () => {
    const p = makeHostPolicy({ address: '127.0.0.1', port: PORT, allowHosts: ['station.example.org'] });
    expect(originAllowed(p, 'https://station.example.org', 'station.example.org')).toBe(true);
    // nginx's default proxy_set_header Host is the upstream address.
    expect(originAllowed(p, 'https://station.example.org', HOST)).toBe(true);
    expect(originAllowed(p, 'https://other.example.org', HOST)).toBe(false);
  });

  it('every interface: the Origin must be the request own Host, not just any address', () => {
    const p = makeHostPolicy({ address: '0.0.0.0', port: PORT });
    expect(originAllowed(p, `http://10.0.0.5:${PORT}`, `10.0.0.5:${PORT}`)).toBe(true);
    expect(originAllowed(p, `http://10.0.0.6:${PORT}`, `10.0.0.5:${PORT}`)).toBe(false);
  });
});

describe('screenRequest', () => {
  const cookie = 'eas_token=tok';

  it('passes the console page, its API and its socket', () => {
    expect(screen('/?token=tok', {})).toMatchObject({ ok: true, pathname: '/', token: 'tok', via: 'query' });
    expect(screen('/', { cookie, 'sec-fetch-site': 'none' })).toMatchObject({ ok: true, via: 'cookie' });
    expect(screen('/', { cookie, 'sec-fetch-site': 'same-origin' })).toMatchObject({ ok: true, via: 'cookie' });
    expect(screen('/ws', { cookie, origin: OWN }, 'upgrade')).toMatchObject({ ok: true, via: 'cookie' });
    expect(screen('/ws?token=tok', {}, 'upgrade')).toMatchObject({ ok: true, via: 'query' });
    expect(screen('/ws', { authorization: 'Bearer tok' }, 'upgrade')).toMatchObject({ ok: true, via: 'bearer' });
  });

  it('400 for malformed targets and cookies', () => {
    for (const url of ['//', '//@', '/%E0%A4%A']) expect(screen(url, {})).toMatchObject({ ok: false, status: 400 });
    expect(screen('/', { cookie: 'eas_token=%E0%A4%A' })).toMatchObject({ ok: false, status: 400, reason: expect.stringContaining('cookie') });
    expect(screen('//', {}, 'upgrade')).toMatchObject({ ok: false, status: 400 });
    expect(screenRequest({ url: '/', headers: {} }, loopback, 'http')).toMatchObject({ ok: false, status: 400, reason: expect.stringContaining('Host') });
  });

  it('403 for a foreign Host, naming what is allowed', () => {
    const r = screen('/api/status', { host: 'evil.example', cookie });
    expect(r).toMatchObject({ ok: false, status: 403 });
    expect(!r.ok && r.reason).toMatch(/answers to 127\.0\.0\.1:8080, localhost:8080.*not to Host "evil\.example".*--allow-host/);
  });

  it('403 for another page: a foreign Origin, whatever the credential', () => {
    const other = `http://127.0.0.1:${PORT + 1}`;
    for (const headers of [{ cookie }, { authorization: 'Bearer tok' }, {}]) {
      expect(screen('/ws', { ...headers, origin: other }, 'upgrade')).toMatchObject({ ok: false, status: 403 });
      expect(screen('/api/status', { ...headers, origin: other })).toMatchObject({ ok: false, status: 403 });
    }
    expect(screen('/ws?token=tok', { origin: 'null' }, 'upgrade')).toMatchObject({ ok: false, status: 403 });
  });

  it('403 for a socket with the cookie and no Origin (browsers always send one)', () => {
    expect(screen('/ws', { cookie }, 'upgrade')).toMatchObject({ ok: false, status: 403, reason: expect.stringContaining('Origin') });
  });

  it('403 for a cookie request another page started (Sec-Fetch-Site), not for a link carrying the token', () => {
    for (const site of ['same-site', 'cross-site', 'Cross-Site']) {
      expect(screen('/', { cookie, 'sec-fetch-site': site })).toMatchObject({ ok: false, status: 403 });
      expect(screen(`/api/alerts/1/audio`, { cookie, 'sec-fetch-site': site })).toMatchObject({ ok: false, status: 403 });
    }
    expect(screen('/?token=tok', { cookie, 'sec-fetch-site': 'cross-site' })).toMatchObject({ ok: true, via: 'query' });
  });

  it('/api/health answers whatever the Host, Origin or cookie', () => {
    expect(screen('/api/health', { host: 'anything', origin: 'http://evil.example', cookie: 'eas_token=%E0' })).toMatchObject({ ok: true });
    expect(screen('/api/health', {}, 'upgrade')).toMatchObject({ ok: true, via: null });
    expect(screen('//api/health', {})).toMatchObject({ ok: false, status: 400 });
  });
});

describe('connection counter', () => {
  it('caps per address and in total, and frees on release', () => {
    const c = new ConnectionCounter({ maxPerClient: 2, maxTotal: 3 });
    expect(c.admit('a')).toBe(true);
    expect(c.admit('a')).toBe(true);
    expect(c.admit('a')).toBe(false);
    expect(c.admit('b')).toBe(true);
    expect(c.admit('c')).toBe(false);
    c.release('a');
    expect(c.open('a')).toBe(1);
    expect(c.admit('c')).toBe(true);
    c.release('nobody');
    expect(c.open()).toBe(3);
  });
});
