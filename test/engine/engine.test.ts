import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContractError, type DecoderEvent, type ProgramChange } from '../../electron/contract';
import { Engine } from '../../electron/engine/engine';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { waitFor } from '../helpers/wait';

let te: TestEngine | null = null;
afterEach(async () => {
  await te?.cleanup();
  te = null;
});

describe('Engine', () => {
  it('runs the demo source, meters it and makes it the program', async () => {
    te = await startTestEngine();
    const s = await waitFor('demo running with levels', () => te!.engine.sourceStatuses().find((x) => x.state === 'running' && x.rmsDb !== null));
    expect(s.id).toBe('demo');
    expect(s.rmsDb!).toBeGreaterThan(-50);
    await waitFor('program', () => te!.engine.snapshot().program === 'demo');
  });

  it('decodes the demo RWT end to end through the worker', async () => {
    te = await startTestEngine({ sources: [{ id: 'demo', name: 'Demo', uri: 'demo:?first=0.5', priority: 1, enabled: true }] });
    const events: DecoderEvent[] = [];
    te.engine.on('decoder.event', (e) => events.push(e));
    // Preamble + 3 bursts ~ 4 s, 8 s attention tone, then 3 EOMs ~ 3.5 s.
    const header = await waitFor('RWT header', () => events.find((e) => e.kind === 'header'), 20_000);
    expect(header.raw).toMatch(/^ZCZC-EAS-RWT-029095\+0015-\d{7}-KDEMO\/FM-$/);
    expect(header.sourceId).toBe('demo');
    await waitFor('EOM', () => events.find((e) => e.kind === 'eom'), 25_000);
    expect(events.filter((e) => e.kind === 'header')).toHaveLength(1);
    expect(events.filter((e) => e.kind === 'eom')).toHaveLength(1);
    expect(header.text).toMatch(/^A broadcast station or cable system has issued a Required Weekly Test for Jackson County, MO;/);
    expect(events.some((e) => e.kind === 'attention')).toBe(true);
    const snap = te.engine.snapshot();
    const inStatus = snap.recentEvents.find((e) => e.kind === 'header' && e.raw === header.raw);
    expect(inStatus).toMatchObject({ sourceId: 'demo', text: header.text });
    expect(snap.activeAlerts.map((a) => a.event)).toEqual(['RWT']);
    expect(await te.engine.call('alerts.list', {})).toHaveLength(1);
  }, 40_000);

  it('refuses bad settings with the field named and keeps the old ones', async () => {
    te = await startTestEngine();
    const before = await te.engine.call('settings.get', {});
    const err = await te.engine
      .call('settings.update', { sources: [{ id: 'x', name: 'X', uri: 'file:', priority: 1, enabled: true }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContractError);
    expect((err as ContractError).code).toBe('invalid_settings');
    expect((err as ContractError).field).toBe('sources.0.uri');
    expect(await te.engine.call('settings.get', {})).toEqual(before);
    const saved = JSON.parse(readFileSync(join(te.dataDir, 'settings.json'), 'utf8'));
    expect(saved).toEqual(before);
  });

  it('keeps running when a source fails, and reports why', async () => {
    te = await startTestEngine({
      sources: [
        { id: 'missing', name: 'Missing file', uri: 'file:/nonexistent/audio.wav', priority: 1, enabled: true },
        { id: 'demo', name: 'Demo', uri: 'demo:', priority: 2, enabled: true },
      ],
    });
    const changes: ProgramChange[] = [];
    te.engine.on('program.changed', (c) => changes.push(c));
    // A missing file may come back: the source is retried slowly, and says so.
    const failed = await waitFor('missing retrying', () => te!.engine.sourceStatuses().find((s) => s.id === 'missing' && s.state === 'retrying'));
    expect(failed.error).toMatch(/not found.*retrying every 15 s.*check the path/);
    await waitFor('demo is program', () => te!.engine.snapshot().program === 'demo');
    expect(changes.at(-1)?.sourceId).toBe('demo');
  });

  it('starts on defaults and keeps a copy when the settings file is corrupt', async () => {
    te = await startTestEngine();
    const file = join(te.dataDir, 'settings.json');
    writeFileSync(file, '{"version": 1, "stationName": 5');
    const e2 = new Engine({ dataDir: te.dataDir, mode: 'serve', version: 'test' });
    expect(e2.settings.loadProblem).toMatch(/not valid JSON/);
    expect(readFileSync(file, 'utf8')).toBe('{"version": 1, "stationName": 5');
  });
});
