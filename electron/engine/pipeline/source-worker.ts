import { parentPort } from 'node:worker_threads';
import { BUS_RATE } from '../../contract/constants';
import { SameReceiver, type SameEvent } from '../../core/same';
import { LevelMeter } from '../../core/meter/levels';
import { CaptureError, type CaptureContext } from '../sources/adapter';
import { createAdapter } from '../sources/registry';
import { AlertRecorder } from '../recording/alert-recorder';
import { Backoff, sleep } from './backoff';
import type { CaptureState, FromWorker, ToWorker, WorkerDecoderEvent } from './messages';

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

function toWorkerEvent(e: SameEvent): WorkerDecoderEvent | null {
  switch (e.type) {
    case 'header':
      return { type: 'header', sample: e.sample, raw: e.raw, bursts: e.bursts };
    case 'eom':
      return { type: 'eom', sample: e.sample };
    case 'attention':
      return e.phase === 'start'
        ? { type: 'attention', phase: 'start', sample: e.sample, kind: e.kind }
        : { type: 'attention', phase: 'end', sample: e.sample, kind: e.kind, durationS: e.durationS };
    case 'burst':
      return { type: 'burst', sample: e.sample, text: e.text, bitErrorEstimate: e.bitErrorEstimate };
    case 'link':
      return { type: 'link', sample: e.sample, state: e.state };
  }
}

function setState(state: CaptureState, error: CaptureError | Error | null = null, retryInMs: number | null = null): void {
  const err =
    error === null
      ? null
      : error instanceof CaptureError
        ? { code: error.code, message: error.message, hint: error.hint }
        : { code: 'internal', message: error.message, hint: 'see the log; the source will be retried' };
  post({ type: 'state', state, error: err, retryInMs });
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
  const receiver = new SameReceiver({
    sampleRate: BUS_RATE,
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
      const ev = toWorkerEvent(e);
      if (ev) post({ type: 'decoder', event: ev });
    },
  });
  const flushLevels = (): void => {
    const batchSamples = meter.samples;
    if (batchSamples === 0) return;
    const lv = meter.take();
    post({ type: 'levels', t: Date.now(), ...lv, samples, batchSamples });
  };
  const timer = setInterval(flushLevels, spec.batchMs);

  const ctx: CaptureContext = {
    emit(block) {
      if (block.length === 0) return;
      if (!running) {
        running = true;
        backoff.reset();
        setState('running');
      }
      meter.push(block);
      recorder?.push(block);
      receiver.push(block);
      if (tapPcm) {
        const pcm = new Int16Array(block.length);
        for (let i = 0; i < block.length; i++) {
          const v = block[i]! * 32767;
          pcm[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
        }
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

  const backoff = new Backoff(1000, 30_000);
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
        const error = err instanceof Error ? err : new Error(String(err));
        if (error instanceof CaptureError && !error.retryable) {
          setState('failed', error);
          return;
        }
        const wait = backoff.next();
        setState('retrying', error, wait);
        await sleep(wait, abort.signal);
        if (!abort.signal.aborted) setState('starting');
      }
    }
  } finally {
    clearInterval(timer);
    flushLevels();
    receiver.flush();
    await recorder?.close();
  }
  setState('stopped');
}

port.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'start':
      abort = new AbortController();
      active = true;
      void runSource(msg.sourceId, msg)
        .catch((err: Error) => setState('failed', err))
        .finally(() => {
          active = false;
          // Closing the port lets the thread exit on its own once the adapter has cleaned up.
          if (stopRequested) port.close();
        });
      break;
    case 'tap':
      tapPcm = msg.pcm;
      break;
    case 'stop':
      stopRequested = true;
      abort.abort();
      if (!active) port.close();
      break;
  }
});
