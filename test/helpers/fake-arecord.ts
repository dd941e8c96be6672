import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A stand-in for arecord that behaves like a live sound card: it plays a raw s16le file at
 * the real-time pace of the card's clock (whole periods, as a card interrupts), and a reader
 * that falls behind loses periods with arecord's own "overrun!!!" line instead of slowing
 * the card down. The null-slave ALSA feed runs as fast as it is read, which suits tests of
 * conversion but not of anything that needs a device that keeps time (stopping a live
 * capture, a stall after audio flowed). Used through EAS_ARECORD, which native/alsa honours.
 */
export interface FakeArecordOptions {
  /** What the card does once the file has played: keep delivering silence (a live input, the default), stop delivering but stay open (a hung driver), or exit 0 (a device that went away). */
  afterEnd?: 'silence' | 'hang' | 'exit';
  /** Ignore SIGTERM, as arecord stuck in a driver call does: only SIGKILL ends it. */
  ignoreSigterm?: boolean;
}

export interface FakeArecordSpec extends FakeArecordOptions {
  /** The PCM name it answers to; anything else fails as arecord does for an unknown PCM. */
  device: string;
  /** The raw interleaved s16le file it plays, and the format the "card" runs at. */
  infile: string;
  rate: number;
  channels: number;
  /** Every start appends its pid here, so a test can find (and kill) what it left behind. */
  pidFile: string;
}

/** Writes the fake as an executable `arecord` in `dir` and returns its path. */
export function writeFakeArecord(dir: string, spec: FakeArecordSpec): string {
  const path = join(dir, 'arecord');
  const config = JSON.stringify({ afterEnd: 'silence', ignoreSigterm: false, ...spec });
  writeFileSync(path, `#!${process.execPath}\n${SCRIPT.replace('__CONFIG__', config)}`);
  chmodSync(path, 0o755);
  return path;
}

// Plain CommonJS run by this Node binary: no TypeScript loader, and quick to start on a busy machine.
const SCRIPT = String.raw`'use strict';
const fs = require('node:fs');
const cfg = __CONFIG__;
fs.appendFileSync(cfg.pidFile, process.pid + '\n');

const argv = process.argv.slice(2);
const opt = (short, dflt) => {
  const i = argv.indexOf(short);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt;
};
const long = (name, dflt) => {
  const a = argv.find((x) => x.startsWith('--' + name + '='));
  return a ? Number(a.slice(name.length + 3)) : dflt;
};
const fail = (message) => {
  process.stderr.write(message + '\n');
  process.exit(1);
};
const device = opt('-D', 'default');
if (device !== cfg.device) {
  fail('ALSA lib pcm.c:2722:(snd_pcm_open_noupdate) Unknown PCM ' + device + '\narecord: main:850: audio open error: No such file or directory');
}
if (opt('-f', 'U8') !== 'S16_LE' || opt('-t', 'wav') !== 'raw') fail('arecord: set_params:1349: Sample format non available');
if (Number(opt('-c', '1')) !== cfg.channels) fail('arecord: set_params:1358: Channels count non available');
if (Number(opt('-r', '8000')) !== cfg.rate) {
  process.stderr.write('Warning: rate is not accurate (requested = ' + opt('-r', '8000') + 'Hz, got = ' + cfg.rate + 'Hz)\n         please, try the plug plugin \n');
}

process.on('SIGTERM', () => {
  if (cfg.ignoreSigterm) process.stderr.write('fake arecord: SIGTERM ignored\n');
  else process.exit(0);
});
// Closed by the reader: a real arecord gets EPIPE and exits too.
process.stdout.on('error', () => process.exit(1));

const data = fs.readFileSync(cfg.infile);
const frameBytes = 2 * cfg.channels;
const periodFrames = Math.max(1, Math.round((long('period-time', 50000) / 1e6) * cfg.rate));
const periodBytes = periodFrames * frameBytes;
const bufferBytes = Math.max(periodBytes, Math.round((long('buffer-time', 500000) / 1e6) * cfg.rate) * frameBytes);
const start = process.hrtime.bigint();
let periods = 0;
let offset = 0;

function nextPeriod() {
  if (offset >= data.length) return cfg.afterEnd === 'silence' ? Buffer.alloc(periodBytes) : null;
  const chunk = Buffer.alloc(periodBytes);
  data.copy(chunk, 0, offset, Math.min(data.length, offset + periodBytes));
  offset += periodBytes;
  return chunk;
}

function tick() {
  const elapsedS = Number(process.hrtime.bigint() - start) / 1e9;
  const due = Math.floor((elapsedS * cfg.rate) / periodFrames);
  while (periods < due) {
    periods++;
    const chunk = nextPeriod();
    if (chunk === null) {
      // exit: once the pipe has taken the last period; hang: open, silent, until killed.
      if (cfg.afterEnd === 'exit') process.stdout.end();
      else setInterval(() => {}, 1 << 30);
      return;
    }
    if (process.stdout.writableLength > bufferBytes) {
      process.stderr.write('overrun!!! (at least ' + ((periodFrames / cfg.rate) * 1000).toFixed(3) + ' ms long)\n');
      continue;
    }
    process.stdout.write(chunk);
  }
  const nextAtS = ((periods + 1) * periodFrames) / cfg.rate;
  setTimeout(tick, Math.max(1, (nextAtS - elapsedS) * 1000));
}
tick();
`;
