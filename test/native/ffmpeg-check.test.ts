import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFfmpegBinary } from '../../native/ffmpeg-check';
import { ffmpegPath } from '../../native/ffmpeg-path';
import { within } from '../helpers/wait';

const dir = mkdtempSync(join(tmpdir(), 'eas-ffcheck-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string, mode = 0o755): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, mode);
  return p;
}

describe('checkFfmpegBinary', () => {
  it('accepts the bundled ffmpeg and reports its version', async () => {
    const r = await checkFfmpegBinary(ffmpegPath());
    expect(r).toMatchObject({ ok: true, version: expect.any(String) });
  });

  it.each([
    ['relative', () => 'bin/ffmpeg', /not an absolute path/],
    ['missing', () => join(dir, 'nope'), /does not exist/],
    ['a directory', () => dir, /not a file/],
    ['not executable', () => script('plain', 'echo "ffmpeg version 6"', 0o644), /not executable/],
    ['world-writable', () => script('ww', 'echo "ffmpeg version 6"', 0o757), /writable by every user/],
    ['another program', () => '/bin/true', /did not answer -version as ffmpeg/],
    ['failing', () => script('fails', 'exit 3'), /exited with code 3/],
    ['a shell', () => '/bin/sh', /-version/],
  ])('refuses %s, saying why', async (_what, path, why) => {
    const r = await checkFfmpegBinary(path());
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(why);
  });

  it('refuses a binary in a folder anyone can write to (no sticky bit)', async () => {
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const p = join(open, 'ffmpeg');
    writeFileSync(p, '#!/bin/sh\necho "ffmpeg version 6"\n', { mode: 0o755 });
    const r = await checkFfmpegBinary(p);
    expect(!r.ok && r.reason).toMatch(/every user can write to/);
  });

  it('gives up on a program that hangs, and reaps it', async () => {
    const p = script('hangs', 'sleep 30');
    // Well short of the script's 30 s: it gave up on its own timeout instead of waiting the program out.
    const r = await within('checkFfmpegBinary to give up on the hung program', checkFfmpegBinary(p, { timeoutMs: 300 }), 20_000);
    expect(!r.ok && r.reason).toMatch(/did not answer -version within 0.3 s/);
  });
});
