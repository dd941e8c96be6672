// rtl_tcp dropping its client mid-stream (a server restart, a network cut): the source shows
// "retrying" with the reason, reconnects by itself, and decodes the alert on the new
// connection. A real TCP server speaking rtl_tcp, NFM IQ paced in real time.
import { afterEach, describe, expect, it } from 'vitest';
import { FmIqSynth } from '../../electron/core/dsp/fm-synth';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { paceIq, startRtlTcpServer, type RtlTcpServerConnection, type RtlTcpTestServer } from '../helpers/rtl-tcp-server';
import { waitFor } from '../helpers/wait';
import { headerNow, programme, programmeWithAlert, RATE, SourceWatch } from './sources-fixtures';

const IQ_RATE = 250_000;
const WX1 = 162_550_000;

let te: TestEngine | null = null;
let server: RtlTcpTestServer | null = null;
afterEach(async () => {
  await te?.cleanup();
  te = null;
  await server?.close();
  server = null;
});

/** Streams `audio` as NFM on WX1, in real time, looping, until the client goes. */
async function air(conn: RtlTcpServerConnection, audio: Float32Array): Promise<void> {
  const st = await conn.waitForState((s) => s.freqHz !== null && s.rateHz !== null, 10_000);
  const synth = new FmIqSynth({ iqRate: st.rateHz!, audio, audioRate: RATE, deviationHz: 5000, carrierOffsetHz: WX1 - st.freqHz!, noiseDbfs: -30 });
  await paceIq(conn, st.rateHz!, (chunk) => {
    if (synth.done) synth.position = 0;
    synth.fill(chunk);
  });
}

describe('rtl_tcp source reliability', () => {
  it('reconnects after rtl_tcp drops the connection, and decodes the alert sent on the new one', async () => {
    const header = headerNow('TOR', 'KOAX/NWS');
    const plain = programme(6, 61);
    const withAlert = programmeWithAlert(header, 1, 4, 71);
    server = await startRtlTcpServer({ onConnection: (conn) => air(conn, conn.index === 0 ? plain : withAlert) });
    te = await startTestEngine({
      sources: [{ id: 'nwr', name: 'NWR', uri: `rtltcp://127.0.0.1:${server.port}?freq=${WX1}&rate=${IQ_RATE}&mode=nfm`, priority: 1, enabled: true }],
    });
    const watch = new SourceWatch(te.engine);
    await watch.waitState('nwr', 'running', 20_000);

    server.connections[0]!.destroy();
    await waitFor('the drop to show as retrying', () => watch.states.get('nwr')?.some((s) => s.state === 'retrying'), 15_000, { detail: () => watch.history('nwr') });
    const retrying = watch.states.get('nwr')!.find((s) => s.state === 'retrying')!;
    expect(retrying.error).toMatch(/stopped sending samples.* — retrying in [\d.]+ s/);

    const back = await watch.waitState('nwr', 'running', 20_000, 'the rtl_tcp source to run again after the drop');
    expect(back.error).toBeNull();
    expect(server.connections.length).toBeGreaterThanOrEqual(2);
    await watch.waitHeader('nwr', header, 30_000);
  });
});
