import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ArchiveExportFormat, ArchiveSettings, DEFAULT_ARCHIVE_SETTINGS } from '../contract/archive';
import { findGaps } from '../core/archive/gaps';
import { exportRange } from '../engine/archive/archive-export';
import { ArchiveIndex, durationMs } from '../engine/archive/archive-index';
import { ARCHIVE_INDEX_FILE } from '../engine/archive/archive-recorder';
import { archiveRoot } from '../engine/archive/archive-service';
import { repairArchive, verifyArchive, type VerifyReport } from '../engine/archive/archive-verify';
import { defaultDataDir } from '../engine/data-dir';
import { usageFailure } from './options';

const USAGE = `Usage: eas-console archive <list|export|verify> [options]

The continuous archive of every source (Opus segments indexed in DATA_DIR/archive/index.sqlite).
Works while the console runs (list and verify only read, export writes only its output file).
  list                     what is kept per source: first and last moment, size, gaps
                           (with --source: every segment)
  export                   a range to a file: --source ID --from TIME --to TIME --out FILE
                           [--format wav|mp3|opus] (default: from the --out extension, else wav)
  verify                   the index against the files; exit code 1 when they disagree
                           (--deep decodes every segment and compares its length too;
                           --repair then sets each wrong row from its file: length, size
                           and levels, and drops rows whose file is gone or holds nothing;
                           a row whose whole source or day directory is gone is kept)
  --data-dir DIR           the console's data dir (default $XDG_DATA_HOME/eas-console)
  --settings FILE          the settings file, when the console runs with --settings
  --json                   machine-readable output
TIME is an ISO 8601 time (2026-12-01T03:12:00Z) or milliseconds since the epoch.
`;

function parseTime(s: string | undefined, what: string): number {
  if (s === undefined) throw new Error(`${what} is required`);
  const n = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  if (!Number.isFinite(n)) throw new Error(`${what}: "${s}" is not a time (ISO 8601 or ms since the epoch)`);
  return n;
}

/** What the CLI needs of the console's settings: the archive's and the ffmpeg it decodes with. */
function readSettings(dataDir: string, settingsFile: string | undefined): { archive: ArchiveSettings; ffmpegPath: string | null } {
  const file = settingsFile ?? join(dataDir, 'settings.json');
  const none = { archive: DEFAULT_ARCHIVE_SETTINGS, ffmpegPath: null };
  if (!existsSync(file)) return none;
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { archive?: unknown; ffmpegPath?: unknown };
    const parsed = ArchiveSettings.safeParse(raw.archive);
    // The same check the settings apply: an absolute path or none (ffmpeg from PATH).
    const ffmpegPath = typeof raw.ffmpegPath === 'string' && raw.ffmpegPath.startsWith('/') ? raw.ffmpegPath : null;
    return { archive: parsed.success ? parsed.data : DEFAULT_ARCHIVE_SETTINGS, ffmpegPath };
  } catch {
    return none;
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();
const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MB`;

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        settings: { type: 'string' },
        source: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string' },
        deep: { type: 'boolean' },
        repair: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (err) {
    return usageFailure(err, USAGE);
  }
  const { values, positionals } = parsed;
  const sub = positionals[0];
  if (values.help || !sub) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  const settings = readSettings(dataDir, values.settings ? resolve(values.settings) : undefined);
  const root = archiveRoot(dataDir, settings.archive);
  const ffmpeg = settings.ffmpegPath;
  if (!existsSync(join(root, ARCHIVE_INDEX_FILE))) {
    process.stderr.write(`no archive in ${root}\n`);
    return 1;
  }
  const index = new ArchiveIndex(join(root, ARCHIVE_INDEX_FILE));
  try {
    switch (sub) {
      case 'list':
        return list(index, values.source, values.json === true);
      case 'verify': {
        const report = await verifyArchive(index, root, { deep: values.deep === true, ffmpeg });
        if (!values.repair || report.consistent) {
          writeReport(report, values.json === true);
          return report.consistent ? 0 : 1;
        }
        const repaired = await repairArchive(index, root, report, { ffmpeg });
        // What is left after the repair decides the exit code (orphan files are never repaired).
        const after = await verifyArchive(index, root, { deep: values.deep === true, ffmpeg });
        if (values.json) process.stdout.write(`${JSON.stringify({ before: report, repaired, after }, null, 2)}\n`);
        else {
          writeReport(report, false);
          for (const f of repaired.fixed) process.stdout.write(`  repaired (set from the file): ${f}\n`);
          for (const f of repaired.removed) process.stdout.write(`  repaired (row dropped, no audio): ${f}\n`);
          for (const f of repaired.failed) process.stdout.write(`  not repaired (the file cannot be decoded to the end, its length is not known): ${f}\n`);
          for (const f of repaired.missingDirs) process.stdout.write(`  not repaired (its whole directory is missing: is the archive disk mounted?): ${f}\n`);
          process.stdout.write(`after repair: ${after.segments} segments: ${after.consistent ? 'consistent' : 'NOT consistent'}\n`);
        }
        return after.consistent ? 0 : 1;
      }
      case 'export': {
        if (!values.source) throw new Error('--source is required');
        if (!values.out) throw new Error('--out is required');
        const fromMs = parseTime(values.from, '--from');
        const toMs = parseTime(values.to, '--to');
        if (toMs <= fromMs) throw new Error('--to must be after --from');
        const ext = /\.(wav|mp3|opus)$/i.exec(values.out)?.[1]?.toLowerCase();
        const format = ArchiveExportFormat.parse(values.format ?? ext ?? 'wav');
        const run = exportRange({ index, root, sourceId: values.source, fromMs, toMs, format, outFile: resolve(values.out), ffmpeg });
        const res = await run.done;
        const secs = res.samples / res.sampleRate;
        if (values.json) process.stdout.write(`${JSON.stringify({ file: resolve(values.out), seconds: secs, gaps: res.gaps })}\n`);
        else {
          process.stdout.write(`${values.out}: ${secs.toFixed(1)} s of ${values.source} from ${iso(fromMs)}\n`);
          for (const g of res.gaps) process.stdout.write(`  not recorded (left out): ${iso(g.fromMs)} - ${iso(g.toMs)}\n`);
        }
        return secs > 0 ? 0 : 1;
      }
      default:
        process.stderr.write(`unknown archive command "${sub}"\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    process.stderr.write(`eas-console archive ${sub}: ${(err as Error).message}\n`);
    return 2;
  } finally {
    index.close();
  }
}

function writeReport(report: VerifyReport, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${report.segments} segments: ${report.consistent ? 'consistent' : 'NOT consistent'}\n`);
  for (const k of ['missing', 'sizeMismatch', 'lengthMismatch', 'tooLong', 'orphans', 'open'] as const) {
    for (const f of report[k]) process.stdout.write(`  ${k}: ${f}\n`);
  }
}

function list(index: ArchiveIndex, sourceId: string | undefined, json: boolean): number {
  if (sourceId) {
    const rows = index.bySource(sourceId);
    const spans = rows.map((r) => ({ startUtcMs: r.startUtcMs, durationMs: durationMs(r) }));
    const gaps = rows.length ? findGaps(spans, rows[0]!.startUtcMs, spans.at(-1)!.startUtcMs + spans.at(-1)!.durationMs) : [];
    if (json) {
      process.stdout.write(`${JSON.stringify({ sourceId, segments: rows.map((r) => ({ name: r.name, start: iso(r.startUtcMs), seconds: durationMs(r) / 1000, bytes: r.bytes, state: r.state })), gaps })}\n`);
      return 0;
    }
    for (const r of rows) process.stdout.write(`${r.name}  ${iso(r.startUtcMs)}  ${(durationMs(r) / 1000).toFixed(1)} s  ${r.bytes} B${r.state === 'open' ? '  (recording)' : ''}\n`);
    for (const g of gaps) process.stdout.write(`gap ${iso(g.fromMs)} - ${iso(g.toMs)} (${((g.toMs - g.fromMs) / 1000).toFixed(1)} s)\n`);
    return 0;
  }
  const sources = index.sources();
  if (json) {
    process.stdout.write(`${JSON.stringify(sources.map((s) => ({ sourceId: s.id, segments: s.n, bytes: s.bytes, first: iso(s.first), last: iso(s.last) })))}\n`);
    return 0;
  }
  if (sources.length === 0) process.stdout.write('nothing archived yet\n');
  for (const s of sources) process.stdout.write(`${s.id}: ${s.n} segments, ${mb(s.bytes)}, ${iso(s.first)} - ${iso(s.last)}\n`);
  return 0;
}
