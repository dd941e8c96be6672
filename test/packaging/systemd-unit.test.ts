// The headless console's systemd user unit, as shipped in packaging/systemd.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../e2e/serve-process';

const run = promisify(execFile);
const UNIT = join(ROOT, 'packaging', 'systemd', 'eas-console.service');
const dir = mkdtempSync(join(tmpdir(), 'eas-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** key -> values per section, comments dropped. */
function parseUnit(text: string): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const s = /^\[(.+)\]$/.exec(line);
    if (s) {
      section = s[1]!;
      out[section] = {};
      continue;
    }
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    (out[section]![key] ??= []).push(line.slice(eq + 1));
  }
  return out;
}

describe('packaging/systemd/eas-console.service', () => {
  const unit = parseUnit(readFileSync(UNIT, 'utf8'));

  it('runs the headless console and keeps it running', () => {
    const exec = unit.Service!.ExecStart!;
    expect(exec).toHaveLength(1);
    expect(exec[0]).toMatch(/^\/usr\/bin\/env node \$\{EAS_HOME\}\/bin\/eas-console\.js serve \$EAS_SERVE_ARGS$/);
    expect(existsSync(join(ROOT, 'bin', 'eas-console.js'))).toBe(true);
    expect(unit.Service!.Restart).toEqual(['always']);
    expect(unit.Service!.Environment).toEqual(expect.arrayContaining(['EAS_HOME=%h/eas-console']));
    // The token and per-station arguments come from a private file, never from the unit.
    expect(unit.Service!.EnvironmentFile).toEqual(['-%h/.config/eas-console/serve.env']);
    expect(readFileSync(UNIT, 'utf8')).not.toMatch(/--token\s/);
    // Loopback by default: the console is reached through the token URL or an SSH tunnel.
    expect(unit.Service!.Environment!.join(' ')).toMatch(/--host 127\.0\.0\.1/);
    expect(unit.Install!.WantedBy).toEqual(['default.target']);
  });

  it('passes systemd-analyze verify with no warning', async (ctx) => {
    const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));
    if (!analyze) {
      ctx.skip(true, 'systemd-analyze is not installed here (it comes with systemd)');
      return;
    }
    const copy = join(dir, 'eas-console.service');
    copyFileSync(UNIT, copy);
    // System mode: the user mode needs a running user manager, which a CI container has not;
    // the unit's syntax, keys and values are checked the same way.
    const { stdout, stderr } = await run(analyze, ['verify', copy], { timeout: 30_000 });
    expect(`${stdout}${stderr}`.trim(), 'systemd-analyze output').toBe('');
  });
});
