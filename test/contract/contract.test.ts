import { describe, expect, it } from 'vitest';
import {
  ClientMessage,
  commands,
  ContractError,
  events,
  LevelFrame,
  parseSourceUri,
  Settings,
  SourceUriError,
  validateCall,
} from '../../electron/contract';
import { defaultSettings } from '../../electron/engine/settings-store';

describe('commands', () => {
  it('accepts good arguments', () => {
    expect(validateCall('app.info', {})).toEqual({ cmd: 'app.info', args: {} });
    expect(validateCall('streams.toggle', { sourceId: 'demo', enabled: true }).args).toEqual({ sourceId: 'demo', enabled: true });
    expect(validateCall('decoder.recent', { limit: 10 }).args).toEqual({ limit: 10 });
  });

  it('refuses unknown commands with a typed error', () => {
    try {
      validateCall('rm -rf', {});
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ContractError);
      expect((err as ContractError).code).toBe('unknown_command');
    }
    expect(() => validateCall('__proto__', {})).toThrow(ContractError);
    expect(() => validateCall(42, {})).toThrow(ContractError);
  });

  it('refuses bad arguments naming the field', () => {
    const cases: Array<[string, unknown, string]> = [
      ['streams.toggle', { sourceId: 'demo', enabled: 'yes' }, 'enabled'],
      ['streams.toggle', { enabled: true }, 'sourceId'],
      ['decoder.recent', { limit: 0 }, 'limit'],
      ['decoder.recent', { limit: 5000 }, 'limit'],
    ];
    for (const [cmd, args, field] of cases) {
      try {
        validateCall(cmd, args);
        expect.unreachable(`${cmd} ${JSON.stringify(args)} should be refused`);
      } catch (err) {
        expect((err as ContractError).code).toBe('invalid_payload');
        expect((err as ContractError).field).toBe(field);
      }
    }
    // Extra keys are refused too: a typo must not be silently ignored.
    expect(() => validateCall('app.info', { verbose: true })).toThrow(ContractError);
  });

  it('every command and event has a schema', () => {
    for (const c of Object.values(commands)) {
      expect(c.args.safeParse).toBeTypeOf('function');
      expect(c.result.safeParse).toBeTypeOf('function');
    }
    expect(Object.keys(events)).toContain('levels');
  });
});

describe('DTOs', () => {
  it('level frames: good passes, out-of-range refused', () => {
    expect(LevelFrame.safeParse({ sourceId: 'demo', t: 1, peakDb: -3, rmsDb: -12, peaks: [-0.5, 0.5] }).success).toBe(true);
    expect(LevelFrame.safeParse({ sourceId: 'demo', t: 1, peakDb: -3, rmsDb: -12, peaks: [2] }).success).toBe(false);
    expect(LevelFrame.safeParse({ sourceId: 'Demo!', t: 1, peakDb: -3, rmsDb: -12, peaks: [] }).success).toBe(false);
  });

  it('settings: defaults are valid; a bad source URI is refused with the field named', () => {
    expect(Settings.safeParse(defaultSettings()).success).toBe(true);
    const bad = { ...defaultSettings(), sources: [{ id: 'x', name: 'X', uri: 'nope://', priority: 1, enabled: true }] };
    const r = Settings.safeParse(bad);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['sources', 0, 'uri']);
  });

  it('settings: duplicate ids and streams of unknown sources are refused', () => {
    const s = defaultSettings();
    const dup = { ...s, sources: [s.sources[0], s.sources[0]] };
    expect(Settings.safeParse(dup).error?.issues[0]?.path).toEqual(['sources', 1, 'id']);
  });

  it('wire: a call needs t, id, cmd', () => {
    expect(ClientMessage.safeParse({ t: 'call', id: 1, cmd: 'app.info', args: {} }).success).toBe(true);
    expect(ClientMessage.safeParse({ t: 'call', cmd: 'app.info' }).success).toBe(false);
    expect(ClientMessage.safeParse({ t: 'call', id: -1, cmd: 'x' }).success).toBe(false);
  });
});

describe('source URIs', () => {
  it('parses demo and file URIs', () => {
    expect(parseSourceUri('demo:')).toEqual({ kind: 'demo', firstAlertS: 20, alertIntervalS: 600 });
    expect(parseSourceUri('demo:?first=5&every=60')).toMatchObject({ firstAlertS: 5, alertIntervalS: 60 });
    expect(parseSourceUri('file:/tmp/a%20b.wav?loop=1')).toEqual({ kind: 'file', path: '/tmp/a b.wav', loop: true });
  });

  it('names the part at fault', () => {
    const part = (uri: string): string => {
      try {
        parseSourceUri(uri);
        return 'accepted';
      } catch (err) {
        return (err as SourceUriError).part;
      }
    };
    expect(part('bogus:x')).toBe('scheme');
    expect(part('no-scheme')).toBe('scheme');
    expect(part('file:')).toBe('path');
    expect(part('file:/x.wav?loop=maybe')).toBe('loop');
    expect(part('demo:?every=-1')).toBe('every');
    expect(part('demo:?evry=5')).toBe('evry');
  });
});

describe('server messages', () => {
  it('parses results (ok and error), events and uncorrelated errors', async () => {
    const { ServerMessage } = await import('../../electron/contract');
    expect(ServerMessage.safeParse({ t: 'result', id: 1, ok: true, value: 5 }).success).toBe(true);
    expect(ServerMessage.safeParse({ t: 'result', id: 1, ok: false, error: { code: 'internal', message: 'x' } }).success).toBe(true);
    expect(ServerMessage.safeParse({ t: 'event', name: 'levels', payload: {} }).success).toBe(true);
    expect(ServerMessage.safeParse({ t: 'error', error: { code: 'invalid_payload', message: 'x' } }).success).toBe(true);
    expect(ServerMessage.safeParse({ t: 'result', id: 1, ok: false }).success).toBe(false);
  });
});
