/**
 * Child of the SIGKILL test: archives generated audio in real time and prints how many samples
 * it has handed to the recorder, until it is killed.
 */
import { ArchiveRecorder } from '../../../electron/engine/archive/archive-recorder';
import { RATE, testSignal } from './archive-fixture';

const root = process.argv[2]!;
const recorder = new ArchiveRecorder({
  root,
  sourceId: 'src',
  sampleRate: RATE,
  bitrateKbps: 24,
  segmentSeconds: 60,
  minFreeBytes: 0,
  onStatus: (s) => process.stdout.write(`status ${s.state}\n`),
  onLog: (_l, m) => process.stdout.write(`log ${m}\n`),
});
const audio = testSignal(60);
let pushed = 0;
const started = performance.now();
setInterval(() => {
  const due = Math.min(audio.length, Math.floor(((performance.now() - started) / 1000) * RATE));
  if (due > pushed) recorder.push(audio.subarray(pushed, due));
  pushed = due;
  process.stdout.write(`pushed ${pushed}\n`);
}, 20);
