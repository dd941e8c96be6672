import type { DemoSpec } from '../../contract';
import { BUS_RATE } from '../../contract/constants';
import { StationAudio } from '../../core/demo/station-audio';
import { encodeSame } from '../../core/same';
import type { CaptureAdapter } from './adapter';
import { paceRealtime } from './pacer';

const BLOCK = 735; // 33 ms at 22050 Hz

/** A Required Weekly Test header stamped with the current UTC time, as a station would send it. */
export function demoRwtHeader(now: Date): string {
  const start = Date.UTC(now.getUTCFullYear(), 0, 1);
  const day = Math.floor((now.getTime() - start) / 86_400_000) + 1;
  const jjj = String(day).padStart(3, '0');
  const hh = String(now.getUTCHours()).padStart(2, '0');
  const mm = String(now.getUTCMinutes()).padStart(2, '0');
  // Jackson County, MO; 15-minute purge; a fictional station id of exactly 8 characters.
  return `ZCZC-EAS-RWT-029095+0015-${jjj}${hh}${mm}-KDEMO/FM-`;
}

/**
 * The built-in demo source: station-like talk over a music bed, with an RWT spliced in at
 * `firstAlertS` and then every `alertIntervalS` seconds of audio.
 */
export function createDemoAdapter(spec: DemoSpec): CaptureAdapter {
  return {
    async run(ctx) {
      const audio = new StationAudio(BUS_RATE, 1);
      const buf = new Float32Array(BLOCK);
      let produced = 0;
      let nextAlertAt = spec.firstAlertS > 0 ? Math.round(spec.firstAlertS * BUS_RATE) : -1;
      let alert: Float32Array | null = null;
      let alertPos = 0;
      ctx.setNowPlaying('Demo station: talk and music');
      await paceRealtime(BUS_RATE, BLOCK, ctx.signal, (n) => {
        const out = buf.subarray(0, n);
        if (alert === null && nextAlertAt >= 0 && produced + n > nextAlertAt) {
          alert = encodeSame({
            header: demoRwtHeader(new Date()),
            sampleRate: BUS_RATE,
            attention: { kind: 'nwr', seconds: 8 },
            amplitude: 0.5,
          });
          alertPos = 0;
          ctx.setNowPlaying('Required Weekly Test');
          nextAlertAt = spec.alertIntervalS > 0 ? nextAlertAt + Math.round(spec.alertIntervalS * BUS_RATE) : -1;
        }
        if (alert !== null) {
          const take = Math.min(n, alert.length - alertPos);
          out.set(alert.subarray(alertPos, alertPos + take));
          alertPos += take;
          if (take < n) audio.fill(out.subarray(take));
          if (alertPos >= alert.length) {
            alert = null;
            ctx.setNowPlaying('Demo station: talk and music');
          }
        } else {
          audio.fill(out);
        }
        produced += n;
        ctx.emit(out);
      });
    },
  };
}
