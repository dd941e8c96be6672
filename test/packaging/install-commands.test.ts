// The README's two first commands, as a new user types them: they must work as root without
// sudo (a container's root shell) and as a sudo user, and CI must run exactly the test one.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../e2e/serve-process';

const run = promisify(execFile);
const SCRIPT = join(ROOT, 'scripts', 'install-system-deps.sh');
const dir = mkdtempSync(join(tmpdir(), 'eas-install-'));
chmodSync(dir, 0o777);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function readmeCommands(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /```sh\n([^]*?)```/.exec(readme)![1]!;
  return block
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/\s+#.*$/, '').trim());
}

/**
 * A bin dir that is the script's whole PATH: `id`, and an apt-get (and a sudo, when asked)
 * that only write down how they were called, so no real package manager or sudo can run.
 */
function fakeBin(name: string, withSudo: boolean): { bin: string; log: string } {
  const bin = join(dir, name);
  const log = join(bin, 'calls.log');
  rmSync(bin, { recursive: true, force: true });
  mkdirSync(bin);
  chmodSync(bin, 0o777);
  symlinkSync(['/usr/bin/id', '/bin/id'].find((p) => existsSync(p))!, join(bin, 'id'));
  const tool = (cmd: string): string => `#!/bin/sh\necho "${cmd} uid=$(id -u) $*" >> "${log}"\n`;
  writeFileSync(join(bin, 'apt-get'), tool('apt-get'), { mode: 0o755 });
  if (withSudo) writeFileSync(join(bin, 'sudo'), tool('sudo'), { mode: 0o755 });
  writeFileSync(log, '');
  chmodSync(log, 0o666);
  return { bin, log };
}

const calls = (log: string): string[] => readFileSync(log, 'utf8').trim().split('\n').filter(Boolean);
const isRoot = process.getuid?.() === 0;
// Absolute: the script's PATH is the fake bin dir alone.
const BASH = ['/bin/bash', '/usr/bin/bash'].find((p) => existsSync(p))!;
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

describe("the README's commands", () => {
  it('start with one that runs the console and one that installs and tests, with no sudo in front', () => {
    const [start, test] = readmeCommands();
    expect(start).toBe('npm ci && npm start');
    expect(test).toBe('bash scripts/install-system-deps.sh && npm ci && npm test');
  });

  it('the test command is exactly what CI runs', () => {
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#') && !/^(set |cd )/.test(l));
    expect(ci.join(' && ')).toBe(readmeCommands()[1]);
  });

  it('install-system-deps.sh runs apt-get itself as root, without sudo', async (ctx) => {
    if (!isRoot) {
      ctx.skip(true, 'needs to run as root');
      return;
    }
    const { bin, log } = fakeBin('root', false);
    await run(BASH, [SCRIPT], { env: { PATH: bin } });
    expect(calls(log)).toEqual(['apt-get uid=0 update', expect.stringMatching(/^apt-get uid=0 install -y --no-install-recommends .*icecast2 .*alsa-utils .*rtl-sdr /)]);
  });

  it('install-system-deps.sh re-runs itself through sudo for any other user', async (ctx) => {
    const { bin, log } = fakeBin('user', true);
    const env = { PATH: bin, HOME: dir };
    if (isRoot && !SETPRIV) {
      ctx.skip(true, 'running as root without setpriv (util-linux) to become another user');
      return;
    }
    if (isRoot) await run(SETPRIV!, ['--reuid=65534', '--regid=65534', '--clear-groups', BASH, SCRIPT, '--extra'], { env });
    else await run(BASH, [SCRIPT, '--extra'], { env });
    const uid = isRoot ? 65534 : process.getuid!();
    expect(calls(log)).toEqual([`sudo uid=${uid} -- bash ${SCRIPT} --extra`]);
  });

  it('install-system-deps.sh says what to do when it is neither root nor has sudo', async (ctx) => {
    if (!isRoot || !SETPRIV) {
      ctx.skip(true, 'needs root and setpriv to run as another user');
      return;
    }
    const { bin, log } = fakeBin('nosudo', false);
    const err = (await run(SETPRIV, ['--reuid=65534', '--regid=65534', '--clear-groups', BASH, SCRIPT], { env: { PATH: bin } }).catch(
      (e: unknown) => e,
    )) as { code: number; stderr: string };
    expect(err.code).toBe(1);
    expect(err.stderr.trim()).toBe('install-system-deps.sh: needs root to install packages: run it as root, or install sudo');
    expect(calls(log)).toEqual([]);
  });
});
