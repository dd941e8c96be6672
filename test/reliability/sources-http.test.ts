// An internet stream whose server process is SIGKILLed and started again on the same port:
// the source shows "retrying" with the reason, reconnects by itself, and decodes the alert
// the restarted server sends. The server is a separate node process serving an MP3 at its
// bitrate, as a station's Icecast would.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { encodeMp3 } from '../helpers/stream-server';
import { within } from '../helpers/wait';
import { headerNow, programme, programmeWithAlert, RATE, SourceWatch } from './sources-fixtures';

const KBPS = 64;

// Paces the file at its bitrate (a 0.5 s burst first, as Icecast sends), looping it.
const SERVER = `
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
const [file, port, kbps] = process.argv.slice(2);
const mp3 = readFileSync(file);
const perTick = Math.round((Number(kbps) * 1000) / 8 / 20);
const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'audio/mpeg' });
  let pos = Math.min(mp3.length, perTick * 10);
  res.write(mp3.subarray(0, pos));
  const timer = setInterval(() => {
    const end = Math.min(mp3.length, pos + perTick);
    res.write(mp3.subarray(pos, end));
    pos = end >= mp3.length ? 0 : end;
  }, 50);
  req.on('close', () => clearInterval(timer));
});
server.listen(Number(port), '127.0.0.1', () => console.log('listening ' + server.address().port));
`;

let te: TestEngine | null = null;
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await te?.cleanup();
  te = null;
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGKILL');
      await new Promise((r) => c.once('exit', r));
    }
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function startServer(script: string, mp3: string, port: number): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [script, mp3, String(port), String(KBPS)], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const got = await within(
    'the stream server to listen',
    new Promise<number>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`stream server exited with ${code}: ${out}`)));
    }),
    10_000,
    () => out,
  );
  return { child, port: got };
}

describe('HTTP source reliability', () => {
  it('reconnects after its server is SIGKILLed and restarted, then decodes the alert the new server sends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eas-rel-http-'));
    dirs.push(dir);
    const script = join(dir, 'server.mjs');
    writeFileSync(script, SERVER);
    const plain = join(dir, 'plain.mp3');
    writeFileSync(plain, encodeMp3(programme(8, 41), RATE, KBPS));
    const header = headerNow('FFW');
    const withAlert = join(dir, 'alert.mp3');
    writeFileSync(withAlert, encodeMp3(programmeWithAlert(header, 1, 4, 51), RATE, KBPS));

    const first = await startServer(script, plain, 0);
    const uri = `http://127.0.0.1:${first.port}/live.mp3`;
    te = await startTestEngine({ sources: [{ id: 'net', name: 'Stream', uri, priority: 1, enabled: true }] });
    const watch = new SourceWatch(te.engine);
    await watch.waitState('net', 'running', 20_000);

    first.child.kill('SIGKILL');
    await within('the killed server to exit', new Promise((r) => first.child.once('exit', r)), 5000);
    const down = await watch.waitState('net', 'retrying', 15_000, 'the stream source to show retrying after its server died');
    expect(down.error).toMatch(/(dropped|refused|ended).* — retrying in [\d.]+ s/);
    // Down for a while, so the source meets a refused connection too, not only the drop.
    await new Promise((r) => setTimeout(r, 1500));
    expect(watch.status('net')?.state).toBe('retrying');

    await startServer(script, withAlert, first.port);
    const back = await watch.waitState('net', 'running', 30_000, 'the stream source to reconnect to the restarted server');
    expect(back.error).toBeNull();
    await watch.waitHeader('net', header, 30_000);
    expect(watch.history('net')).toMatch(/retrying.*running/);
  });
});
