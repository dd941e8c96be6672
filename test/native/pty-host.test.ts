import { afterEach, describe, expect, it } from 'vitest';
import { PtyHost, PtyHostError, shellEnv, type PtyExit, type PtyOutput } from '../../native/pty-host';
import { sleep, waitFor } from '../helpers/wait';

/** Collects a host's events, for `waitFor` conditions on them. */
function record(host: PtyHost) {
  const outputs: PtyOutput[] = [];
  const exits: PtyExit[] = [];
  host.on('output', (o) => outputs.push(o));
  host.on('exit', (e) => exits.push(e));
  const text = (id: string): string =>
    outputs
      .filter((o) => o.id === id)
      .map((o) => o.data)
      .join('');
  return { outputs, exits, text };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('PtyHost (real node-pty, /bin/bash)', () => {
  let host: PtyHost;
  afterEach(async () => {
    await host.closeAll();
  });

  // No rc files and a fixed prompt: predictable output, and a fast start, whatever the machine's setup.
  const make = (opts = {}) =>
    (host = new PtyHost({ shell: '/bin/bash', shellArgs: ['--norc', '--noprofile'], env: { ...process.env, PS1: '$ ' }, ...opts }));

  it('runs a command and delivers its output in batches, not per chunk', async () => {
    make();
    const rec = record(host);
    const id = host.open(80, 24);
    host.write(id, 'echo hello-$((6*7))\r');
    await waitFor('"hello-42"', () => rec.text(id).includes('hello-42'));
    // The echoed command line shows the unexpanded form; the expansion comes from the shell.
    expect(rec.text(id)).toContain('echo hello-$((6*7))');
    // 200 short lines written at once arrive as a handful of events (batched ~16 ms).
    const before = rec.outputs.length;
    host.write(id, 'for i in $(seq 1 200); do echo "line-$i"; done\r');
    await waitFor('line-200', () => /line-200\r?\n/.test(rec.text(id)));
    const events = rec.outputs.length - before;
    expect(events).toBeGreaterThan(0);
    expect(events).toBeLessThan(100);
  });

  it('paces a flood (pauses the shell per batch) without losing output', async () => {
    make({ maxBatchChars: 16 * 1024 });
    const rec = record(host);
    const id = host.open(80, 24);
    host.write(id, "head -c 300000 /dev/zero | tr '\\0' x; echo; echo END-$((1+1))\r");
    await waitFor('END-2', () => /END-2\r?\n/.test(rec.text(id)), 20_000);
    // The command's output is one unbroken run (the pty adds nothing to a line without newlines).
    const runs = rec.text(id).match(/x{100,}/g) ?? [];
    expect(runs.map((r) => r.length)).toEqual([300_000]);
    expect(Math.max(...rec.outputs.map((o) => o.data.length))).toBeLessThanOrEqual(16 * 1024 + 64 * 1024);
  });

  it('resizes the pseudo-terminal (stty sees it)', async () => {
    make();
    const rec = record(host);
    const id = host.open(80, 24);
    host.resize(id, 132, 40);
    host.write(id, 'stty size\r');
    await waitFor('"40 132" from stty size', () => rec.text(id).includes('40 132'));
  });

  it('reports the exit code of `exit 3`', async () => {
    make();
    const rec = record(host);
    const id = host.open(80, 24);
    host.write(id, 'exit 3\r');
    await waitFor('exit event', () => rec.exits.length > 0);
    expect(rec.exits).toEqual([{ id, code: 3 }]);
    expect(host.size).toBe(0);
    expect(() => host.write(id, 'x')).toThrow(PtyHostError);
  });

  it('close kills the shell process', async () => {
    make();
    const rec = record(host);
    const id = host.open(80, 24);
    const pid = host.pid(id);
    expect(alive(pid)).toBe(true);
    await host.close(id);
    await waitFor(`pid ${pid} gone`, () => !alive(pid));
    expect(rec.exits.map((e) => e.id)).toEqual([id]);
    expect(host.size).toBe(0);
  });

  it('refuses sessions beyond the limit, and frees a slot on close', async () => {
    make({ maxSessions: 2 });
    record(host);
    const a = host.open(80, 24);
    host.open(80, 24);
    expect(() => host.open(80, 24)).toThrow(/2 terminals are already open: close one/);
    await host.close(a);
    expect(host.open(80, 24)).toMatch(/^t/);
  });

  it('keeps output until someone listens, bounded to the most recent part', async () => {
    make({ maxUnheardChars: 2000 });
    const id = host.open(80, 24);
    host.write(id, 'for i in $(seq 1 300); do echo "row-$i"; done; echo done-$((1+1))\r');
    await sleep(300);
    // Give bash time to finish writing, then subscribe: the held-back tail arrives at once.
    const rec = record(host);
    await waitFor('held-back output', () => rec.text(id).includes('done-2'));
    expect(rec.text(id).length).toBeLessThanOrEqual(2000 + 4096);
    expect(rec.text(id)).not.toMatch(/(^|\n)row-1\r\n/);
  });

  it('does not hand secrets to the shell', async () => {
    host = new PtyHost({ shell: '/bin/bash', shellArgs: ['--norc', '--noprofile'], env: { ...process.env, EAS_TEST_TOKEN: 'hunter2' } });
    const rec = record(host);
    const id = host.open(80, 24);
    host.write(id, 'echo "[${EAS_TEST_TOKEN:-unset}]"\r');
    await waitFor('"[unset]"', () => rec.text(id).includes('[unset]'));
    expect(rec.text(id)).not.toContain('hunter2');
    const env = shellEnv({ PATH: '/bin', EAS_TOKEN: 'x', ADMIN_PASSWORD: 'y', HOME: '/h', COLORTERM: 'truecolor' });
    expect(env).toEqual({ PATH: '/bin', HOME: '/h', TERM: 'xterm-256color' });
  });
});
