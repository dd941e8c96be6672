// The engine as a station runs it, on a data dir and one file source, until the parent
// SIGKILLs it. Run: node --import tsx test/reliability/alert-crash-child.ts DATA_DIR WAV
// Prints "started", then "alert ID" when an alert is active and "recording FILE" when one begins.
import { Engine } from '../../electron/engine/engine';

const [dataDir, wav] = process.argv.slice(2);
if (!dataDir || !wav) throw new Error('usage: alert-crash-child.ts DATA_DIR WAV');
const engine = new Engine({
  dataDir,
  mode: 'serve',
  version: 'crash-test',
  extraSources: [{ id: 'file', name: 'Alert file', uri: `file:${wav}`, priority: 10, enabled: true }],
});
const said = new Set<string>();
engine.on('alerts.changed', ({ active }) => {
  for (const a of active) {
    if (said.has(a.id)) continue;
    said.add(a.id);
    process.stdout.write(`alert ${a.id}\n`);
  }
});
await engine.start();
process.stdout.write('started\n');
// Kept alive until killed: no clean stop is the point.
setInterval(() => undefined, 60_000);
