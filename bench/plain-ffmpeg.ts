import { spawn, type ChildProcess } from 'node:child_process';
import { encoderArgs } from '../native/encoder/ffmpeg-encoder';
import { encoderPlan, type StreamFormat } from '../native/encoder/formats';
import { ffmpegPath } from '../native/ffmpeg-path';

/**
 * The baseline the stream and listen benches measure us against: plain ffmpeg pushing to
 * Icecast itself (icecast://), with the encoder arguments our streams use, fed s16le at
 * `rate` on its stdin.
 */
export function plainFfmpeg(
  format: StreamFormat,
  kbps: number,
  rate: number,
  ice: { host: string; port: number; sourcePassword: string },
  mount: string,
): ChildProcess {
  const plan = encoderPlan(format, kbps);
  const args = encoderArgs(plan, rate, null);
  args.pop(); // pipe:1
  const url = `icecast://source:${encodeURIComponent(ice.sourcePassword)}@${ice.host}:${ice.port}${mount}`;
  const child = spawn(ffmpegPath(), [...args, '-content_type', plan.contentType, url], { stdio: ['pipe', 'ignore', 'pipe'] });
  child.stdin!.on('error', () => {});
  child.stderr!.on('data', () => {});
  return child;
}
