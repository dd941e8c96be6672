import { describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { burstBytesFor, icecastConfigXml, LOW_LATENCY_LIMITS, randomPassword, xmlEscape } from '../../../native/icecast/config';

const parse = (s: string): Record<string, Record<string, unknown>> =>
  new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(s).icecast;

describe('icecastConfigXml', () => {
  it('writes port, bind address, passwords, paths and low-latency limits', () => {
    const cfg = parse(icecastConfigXml({ port: 8123, sourcePassword: 'src', adminPassword: 'adm', logDir: '/tmp/x', pidFile: '/tmp/x/icecast.pid' }));
    expect(cfg['listen-socket']).toEqual({ port: '8123', 'bind-address': '127.0.0.1' });
    expect(cfg.authentication).toEqual({ 'source-password': 'src', 'admin-user': 'admin', 'admin-password': 'adm' });
    expect(cfg.paths).toMatchObject({ logdir: '/tmp/x', pidfile: '/tmp/x/icecast.pid', webroot: '/usr/share/icecast2/web', adminroot: '/usr/share/icecast2/admin' });
    expect(cfg.limits).toMatchObject({ sources: String(LOW_LATENCY_LIMITS.sources), 'burst-size': '16384', 'queue-size': '262144', 'source-timeout': '5' });
    expect(cfg.security).toEqual({ chroot: '0' });
  });

  it('escapes every value so a password or name cannot break the XML', () => {
    const nasty = `p<w>&"'</source-password><admin-password>x`;
    const xml = icecastConfigXml({ port: 8000, sourcePassword: nasty, adminPassword: nasty, adminUser: 'a&b', location: '<Lab>', hostname: 'h"', logDir: '/tmp/a&b', logLevel: 4, limits: { clients: 7 } });
    const cfg = parse(xml);
    expect(cfg.authentication).toEqual({ 'source-password': nasty, 'admin-user': 'a&b', 'admin-password': nasty });
    expect(cfg.location).toBe('<Lab>');
    expect(cfg.hostname).toBe('h"');
    expect((cfg.paths as Record<string, string>).logdir).toBe('/tmp/a&b');
    expect((cfg.limits as Record<string, string>).clients).toBe('7');
    expect(xmlEscape(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&apos;');
  });

  it('adds changeowner and a relay password only when asked', () => {
    const cfg = parse(icecastConfigXml({ port: 8000, sourcePassword: 's', adminPassword: 'a', relayPassword: 'r', logDir: '/l', changeOwner: { user: 'icecast2', group: 'icecast' } }));
    expect(cfg.security).toEqual({ chroot: '0', changeowner: { user: 'icecast2', group: 'icecast' } });
    expect((cfg.authentication as Record<string, string>)['relay-password']).toBe('r');
  });

  it('rejects impossible ports and limits with a message saying what to do', () => {
    expect(() => icecastConfigXml({ port: 70000, sourcePassword: 's', adminPassword: 'a', logDir: '/l' })).toThrow(/1-65535/);
    expect(() => icecastConfigXml({ port: 8000, sourcePassword: 's', adminPassword: 'a', logDir: '/l', limits: { sources: 0 } })).toThrow(/at least one/);
    expect(() => icecastConfigXml({ port: 8000, sourcePassword: 's', adminPassword: 'a', logDir: '/l', limits: { burstSize: -1 } })).toThrow(/burstSize/);
  });

  it('random passwords are URL-safe and distinct', () => {
    const a = randomPassword();
    expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(randomPassword()).not.toBe(a);
  });

  it('one <mount> block per mount of ours, its burst 0.5 s of its bitrate', () => {
    expect([8, 32, 48, 64, 96, 128, 192, 320].map((k) => burstBytesFor(k))).toEqual([500, 2000, 3000, 4000, 6000, 8000, 12000, 20000]);
    expect(burstBytesFor(128, 1)).toBe(16000);
    const xml = icecastConfigXml({
      port: 8000, sourcePassword: 's', adminPassword: 'a', logDir: '/l',
      mounts: [{ mount: '/voice.mp3', bitrateKbps: 64 }, { mount: '/music.opus', bitrateKbps: 48 }, { mount: '/hq.aac', bitrateKbps: 192 }, { mount: '/x&y.mp3', bitrateKbps: 128, burstSize: 1234 }],
    });
    const cfg = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (n) => n === 'mount' }).parse(xml).icecast;
    expect(cfg.mount).toEqual([
      { '@_type': 'normal', 'mount-name': '/voice.mp3', 'burst-size': '4000' },
      { '@_type': 'normal', 'mount-name': '/music.opus', 'burst-size': '3000' },
      { '@_type': 'normal', 'mount-name': '/hq.aac', 'burst-size': '12000' },
      { '@_type': 'normal', 'mount-name': '/x&y.mp3', 'burst-size': '1234' },
    ]);
    // Every other mount keeps the server-wide burst.
    expect(cfg.limits['burst-size']).toBe(String(LOW_LATENCY_LIMITS.burstSize));
    expect(icecastConfigXml({ port: 8000, sourcePassword: 's', adminPassword: 'a', logDir: '/l' })).not.toContain('<mount');
  });

  it('refuses a mount that is not one, twice the same, or a bad bitrate or burst', () => {
    const base = { port: 8000, sourcePassword: 's', adminPassword: 'a', logDir: '/l' };
    expect(() => icecastConfigXml({ ...base, mounts: [{ mount: 'x.mp3', bitrateKbps: 64 }] })).toThrow(/not a mount/);
    expect(() => icecastConfigXml({ ...base, mounts: [{ mount: '/a', bitrateKbps: 64 }, { mount: '/a', bitrateKbps: 32 }] })).toThrow(/twice/);
    expect(() => icecastConfigXml({ ...base, mounts: [{ mount: '/a', bitrateKbps: 0 }] })).toThrow(/not a bitrate/);
    expect(() => icecastConfigXml({ ...base, mounts: [{ mount: '/a', bitrateKbps: 64, burstSize: 1.5 }] })).toThrow(/whole number/);
  });
});
