import { afterEach, describe, expect, it } from 'vitest';
import { CaptureError } from '../../../native/capture/capture-error';
import { RTL_TCP_COMMAND, RtlTcpClient, commandsFor, encodeCommand, parseDongleInfo } from '../../../native/rtl';
import { rtlTcpHeader, startRtlTcpServer, unusedPort, type RtlTcpTestServer } from '../../helpers/rtl-tcp-server';

let server: RtlTcpTestServer | null = null;
const clients: RtlTcpClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.close();
  server = null;
});

async function connectErr(port: number, opts = {}): Promise<CaptureError> {
  try {
    clients.push(await RtlTcpClient.connect('127.0.0.1', port, opts));
  } catch (err) {
    expect(err).toBeInstanceOf(CaptureError);
    return err as CaptureError;
  }
  throw new Error('connected');
}

describe('rtl_tcp wire format', () => {
  it('encodes 5-byte big-endian commands, negative ppm as two’s complement', () => {
    expect([...encodeCommand(RTL_TCP_COMMAND.setFrequency, 162_294_000)]).toEqual([0x01, 0x09, 0xac, 0x68, 0xf0]);
    expect([...encodeCommand(RTL_TCP_COMMAND.setFreqCorrection, -3)]).toEqual([0x05, 0xff, 0xff, 0xff, 0xfd]);
    expect(RTL_TCP_COMMAND).toMatchObject({ setSampleRate: 2, setGainMode: 3, setGain: 4, setAgcMode: 8, setBiasTee: 0x0e });
  });

  it('parses the RTL0 header and refuses anything else', () => {
    expect(parseDongleInfo(rtlTcpHeader(5, 29))).toEqual({ tunerType: 5, tunerName: 'R820T', gainCount: 29 });
    expect(parseDongleInfo(Buffer.from('HTTP/1.1 400'))).toBeNull();
    expect(parseDongleInfo(Buffer.from('RTL0'))).toBeNull();
  });

  it('sends manual gain as mode 1 + tenths of a dB, automatic as mode 0', () => {
    const manual = commandsFor({ centerHz: 1e8, rateHz: 1_024_000, gainDb: 38.6, ppm: 0, agc: false, biasTee: false }).map((b) => [b[0], b.readUInt32BE(1)]);
    expect(manual).toContainEqual([0x03, 1]);
    expect(manual).toContainEqual([0x04, 386]);
    const auto = commandsFor({ centerHz: 1e8, rateHz: 1_024_000, gainDb: null, ppm: 0, agc: true, biasTee: true }).map((b) => [b[0], b.readUInt32BE(1)]);
    expect(auto).toContainEqual([0x03, 0]);
    expect(auto.find(([c]) => c === 0x04)).toBeUndefined();
    expect(auto).toContainEqual([0x08, 1]);
    expect(auto).toContainEqual([0x0e, 1]);
  });
});

describe('RtlTcpClient against a local rtl_tcp-protocol server', () => {
  it('reads the header, sends the tuner commands, and streams IQ that arrived with the header too', async () => {
    server = await startRtlTcpServer({
      tunerType: 6,
      onConnection: async (conn) => {
        await conn.write(new Uint8Array([1, 2, 3, 4])); // IQ right behind the header
        await conn.waitForState((s) => s.biasTee !== null);
        await conn.write(new Uint8Array([5, 6]));
        conn.destroy();
      },
    });
    const client = await RtlTcpClient.connect('127.0.0.1', server.port);
    clients.push(client);
    expect(client.info).toEqual({ tunerType: 6, tunerName: 'R828D', gainCount: 29 });
    client.configure({ centerHz: 162_294_000, rateHz: 1_024_000, gainDb: 20.7, ppm: -3, agc: false, biasTee: true });
    const got: number[] = [];
    const ac = new AbortController();
    const err = await client.stream((c) => got.push(...c), ac.signal).catch((e: unknown) => e);
    expect(got).toEqual([1, 2, 3, 4, 5, 6]);
    expect(err).toBeInstanceOf(CaptureError);
    expect((err as CaptureError).code).toBe('disconnected');
    expect(server.connections[0]!.state).toEqual({ freqHz: 162_294_000, rateHz: 1_024_000, gainMode: 1, gainTenthsDb: 207, ppm: -3, agc: 0, biasTee: 1 });
  });

  it('"connection refused" is a named error with a host:port hint', async () => {
    const port = await unusedPort();
    const err = await connectErr(port);
    expect(err.code).toBe('connection_refused');
    expect(err.message).toContain(`127.0.0.1:${port}`);
    expect(err.hint).toMatch(/rtl_tcp/);
    expect(err.hint).toMatch(/firewall/);
    expect(err.retryable).toBe(true);
  });

  it('a server that is not rtl_tcp is named as such', async () => {
    server = await startRtlTcpServer({ header: Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'), onConnection: () => {} });
    const err = await connectErr(server.port);
    expect(err.code).toBe('not_rtl_tcp');
    expect(err.message).toContain('HTTP/1.1 400');
    expect(err.hint).toMatch(/port/);
  });

  it('a server that never sends its header times out with a hint about single clients', async () => {
    server = await startRtlTcpServer({ header: null, onConnection: () => {} });
    const err = await connectErr(server.port, { headerTimeoutMs: 200 });
    expect(err.code).toBe('no_header');
    expect(err.hint).toMatch(/one client/);
  });

  it('a stream that goes quiet is a stall', async () => {
    server = await startRtlTcpServer({ onConnection: () => {} });
    const client = await RtlTcpClient.connect('127.0.0.1', server.port, { idleTimeoutMs: 200 });
    clients.push(client);
    const err = await client.stream(() => {}, new AbortController().signal).catch((e: unknown) => e);
    expect((err as CaptureError).code).toBe('stalled');
  });

  it('abort ends streaming promptly and closes the socket', async () => {
    server = await startRtlTcpServer({ onConnection: (conn) => void conn.streamIq((b) => b.fill(128).length) });
    const client = await RtlTcpClient.connect('127.0.0.1', server.port);
    clients.push(client);
    const ac = new AbortController();
    let bytes = 0;
    await client.stream((c) => {
      bytes += c.length;
      if (bytes > 1_000_000) ac.abort();
    }, ac.signal);
    await server.connections[0]!.closed;
    expect(bytes).toBeGreaterThan(1_000_000);
  });

  it('abort during connect rejects with an AbortError', async () => {
    server = await startRtlTcpServer({ header: null, onConnection: () => {} });
    const ac = new AbortController();
    const p = RtlTcpClient.connect('127.0.0.1', server.port, { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
  });
});
