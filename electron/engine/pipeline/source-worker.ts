import { parentPort } from 'node:worker_threads';
import { BUS_RATE } from '../../contract/constants';
import { SameReceiver } from '../../core/same';
import { LevelMeter } from '../../core/meter/levels';
import { CaptureError, type CaptureContext } from '../sources/adapter';
import { createAdapter } from '../sources/registry';
import { AlertRecorder } from '../recording/alert-recorder';
import { ArchiveRecorder, type WorkerArchiveConfig } from '../archive/archive-recorder';
import { f32ToS16 } from '../../core/dsp/pcm16';
import { sleep } from '../../core/time/sleep';
import { unknownMessage, type CaptureProblem, type CaptureState, type FromWorker, type ToWorker } from './messages';
import { toWorkerEvent } from './worker-decoder-event';
import { RetryPolicy } from './retry-policy';
import { SAMPLE_LIMIT, SampleGuard } from './sample-guard';

/**
 * One source's capture and analysis, off the engine's event loop: the adapter produces
 * 22050 Hz blocks; each block is metered, decoded (SAME) and, when tapped, sent as s16 PCM.
 */
const port = parentPort;
if (!port) throw new Error('source-worker must run in a worker thread');

const post = (msg: FromWorker, transfer?: ArrayBuffer[]): void => port.postMessage(msg, transfer);

let abort = new AbortController();
let tapPcm = false;
let samples = 0;
let running = false;
let active = false;
let stopRequested = false;
/** Set while a source runs: swaps its archive recorder for new settings. */
let reconfigureArchive: ((config: WorkerArchiveConfig | null) => void) | null = null;

/** A failure as the status shows it: what failed and, unless final, when it is tried again. */
function problem(error: Error, attempt: number, retry: { waitMs: number; note: string } | null): CaptureProblem {
  const named = error instanceof CaptureError;
  return {
    code: named ? error.code : 'internal',
    message: retry ? `${error.message} — ${retry.note}` : error.message,
    hint: named ? error.hint : 'see the log; the source will be retried',
    attempt,
    retryInMs: retry ? retry.waitMs : null,
  };
}

function setState(state: CaptureState, error: CaptureProblem | null = null): void {
  post({ type: 'state', state, error });
}

async function runSource(sourceId: string, spec: ToWorker & { type: 'start' }): Promise<void> {
  const meter = new LevelMeter();
  const recorder = spec.dataDir
    ? new AlertRecorder({
        dataDir: spec.dataDir,
        sourceId,
        sampleRate: BUS_RATE,
        onEvent: (r) => post({ type: 'recording', ...r }),
      })
    : null;
  /** `after`: the close of the recorder this one replaces; recovery waits for it (see recover()). */
  const newArchive = (config: WorkerArchiveConfig | null | undefined, after?: Promise<void>): ArchiveRecorder | null => {
    if (!config) {
      post({ type: 'archive', status: { state: 'off', error: null } });
      return null;
    }
    const a = new ArchiveRecorder({
      ...config,
      sourceId,
      sampleRate: BUS_RATE,
      onStatus: (status) => post({ type: 'archive', status }),
      onLog: (level, message) => post({ type: 'log', level, message }),
    });
    void a.recover(after);
    return a;
  };
  let archive = newArchive(spec.archive);
  const closingArchives = new Set<Promise<void>>();
  reconfigureArchive = (config) => {
    const old = archive;
    // The old one closes first: its segment is still being written, and the new recorder's
    // recovery must not take it for one a killed writer left open.
    let closing: Promise<void> | undefined;
    if (old) {
      const p = old.close().finally(() => closingArchives.delete(p));
      closingArchives.add(p);
      closing = p;
    }
    archive = newArchive(config, closing);
  };
  const receiver = new SameReceiver({
    sampleRate: BUS_RATE,
    singleBurstAlerts: spec.singleBurstAlerts === true,
    onEvent: (e) => {
      // The recording starts before the header goes out, so the engine can link it to the alert.
      if (recorder) {
        try {
          if (e.type === 'header') recorder.header(e.sample);
          else if (e.type === 'eom') recorder.eom(e.sample);
        } catch (err) {
          post({ type: 'log', level: 'error', message: `${sourceId}: cannot record the alert audio: ${(err as Error).message}; check that the data directory is writable` });
        }
      }
      post({ type: 'decoder', event: toWorkerEvent(e) });
    },
  });
  const flushLevels = (): void => {
    const batchSamples = meter.samples;
    if (batchSamples === 0) return;
    const lv = meter.take();
    post({ type: 'levels', t: Date.now(), ...lv, samples, batchSamples });
  };
  const timer = setInterval(flushLevels, spec.batchMs);

  const policy = new RetryPolicy(spec.retry);
  let failures = 0;
  let runningSince = 0;
  const guard = new SampleGuard();
  // Said once per worker: a damaged input repeats itself, the log must not.
  let reportedDamage = false;
  const ctx: CaptureContext = {
    emit(input) {
      if (input.length === 0) return;
      if (!running) {
        running = true;
        runningSince = performance.now();
        failures = 0;
        setState('running');
      }
      const block = guard.apply(input);
      if (guard.fixed > 0 && !reportedDamage) {
        post({ type: 'log', level: 'warn', message: `${sourceId}: the input delivered samples that are not audio (NaN or beyond ±${SAMPLE_LIMIT}); they are clamped, but the source is damaged` });
        reportedDamage = true;
      }
      meter.push(block);
      recorder?.push(block);
      receiver.push(block);
      // After the decoder: a slow archive disk must never delay a header.
      archive?.push(block);
      if (tapPcm) {
        // A fresh array each time: its buffer is transferred to the main thread.
        const pcm = f32ToS16(block);
        post({ type: 'pcm', startSample: samples, block: pcm }, [pcm.buffer]);
      }
      samples += block.length;
    },
    setNowPlaying: (title) => post({ type: 'nowPlaying', title }),
    setSignalDb: (db) => post({ type: 'signal', db }),
    log: (level, message) => post({ type: 'log', level, message: `${sourceId}: ${message}` }),
    get signal() {
      return abort.signal;
    },
  };

  setState('starting');
  try {
    while (!abort.signal.aborted) {
      running = false;
      try {
        await (await createAdapter(spec.spec)).run(ctx);
        if (abort.signal.aborted) break;
        // The input ended by itself (a file played once): that is an end, not a failure.
        setState('ended');
        return;
      } catch (err) {
        if (abort.signal.aborted) break;
        // The time until audio flows again is a gap in the archive, not silence.
        archive?.endRun();
        const error = err instanceof Error ? err : new Error(String(err));
        const ranMs = running ? performance.now() - runningSince : 0;
        const plan = policy.plan(error, ranMs);
        failures++;
        if (plan.final) {
          setState('failed', problem(error, failures, null));
          return;
        }
        // The source stays "retrying", with the reason, through the next tries until audio
        // flows again: a brief "starting" between tries would hide why it is down.
        setState('retrying', problem(error, failures, plan));
        await sleep(plan.waitMs, abort.signal);
      }
    }
  } finally {
    clearInterval(timer);
    flushLevels();
    receiver.flush();
    await recorder?.close();
    reconfigureArchive = null;
    await archive?.close();
    await Promise.all([...closingArchives]);
  }
  setState('stopped');
}

port.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'start':
      abort = new AbortController();
      active = true;
      void runSource(msg.sourceId, msg)
        .catch((err: Error) => {
          // Nothing escapes the retry loop but a bug in the worker itself: report it and end
          // the thread, so the pipeline starts a fresh worker with its own backoff.
          post({ type: 'log', level: 'error', message: `${msg.sourceId}: source worker failed: ${err.stack ?? err.message}` });
          setState('retrying', problem(err, 1, { waitMs: 0, note: 'restarting the source worker' }));
          stopRequested = true;
        })
        .finally(() => {
          active = false;
          // Closing the port lets the thread exit on its own once the adapter has cleaned up.
          if (stopRequested) port.close();
        });
      break;
    case 'tap':
      tapPcm = msg.pcm;
      break;
    case 'archive':
      reconfigureArchive?.(msg.config);
      break;
    case 'stop':
      stopRequested = true;
      abort.abort();
      if (!active) port.close();
      break;
    default:
      post({ type: 'log', level: 'error', message: unknownMessage(msg) });
  }
});
