import { describe, expect, it } from 'vitest';
import { RelevanceSettings, type RelevanceSettings as RelevanceSettingsT } from '../../../electron/contract';
import { judgeRelevance, matchLocation, parseHeader, searchLocations } from '../../../electron/core/alerts';
import { loadTables } from '../../../native/tables-loader';

const tables = loadTables();

function settings(s: Partial<RelevanceSettingsT>): RelevanceSettingsT {
  return { locations: [], allowEvents: [], denyEvents: [], originators: [], ignoreTests: false, ...s };
}

function judge(raw: string, s: Partial<RelevanceSettingsT>) {
  const p = parseHeader(raw);
  if (!p.ok) throw new Error(p.error.message);
  return judgeRelevance({ originator: p.header.originator, event: p.header.event, locations: p.header.locations }, settings(s), tables);
}

const JACKSON = ['029095'];

/** Header, settings, expected verdict and reasons: the station's filters as an ENDEC applies them. */
const TABLE: Array<[string, string, Partial<RelevanceSettingsT>, boolean, string[]]> = [
  ['county', 'ZCZC-WXR-TOR-029095+0030-1051700-KEAX/NWS-', { locations: JACKSON }, true, ['matches 029095 Jackson County, MO']],
  ['other county', 'ZCZC-WXR-TOR-020173+0030-1051700-KICT/NWS-', { locations: JACKSON }, false, ['no location of interest: alert for 020173 Sedgwick County, KS']],
  ['state-wide alert', 'ZCZC-CIV-CEM-029000+0100-1051700-MOSEMA  -', { locations: JACKSON }, true, ['state-wide alert 029000 All of Missouri covers 029095 Jackson County, MO']],
  ['state of interest', 'ZCZC-WXR-TOR-029095+0030-1051700-KEAX/NWS-', { locations: ['029000'] }, true, ['matches 029095 Jackson County, MO (in 029000 All of Missouri)']],
  ['nation-wide alert', 'ZCZC-PEP-NPT-000000+0030-1051700-WHITEHSE-', { locations: JACKSON }, true, ['nation-wide alert (000000) covers 029095 Jackson County, MO']],
  ['nation of interest', 'ZCZC-WXR-TOR-020173+0030-1051700-KICT/NWS-', { locations: ['000000'] }, true, ['matches 020173 Sedgwick County, KS (location of interest 000000: all of the United States)']],
  ['subdivision of a county of interest', 'ZCZC-WXR-TOR-129095+0030-1051700-KEAX/NWS-', { locations: JACKSON }, true, ['matches 029095 Jackson County, MO (alert for part of it: 129095 Northwest Jackson County, MO)']],
  ['whole county covers a subdivision of interest', 'ZCZC-WXR-TOR-029095+0030-1051700-KEAX/NWS-', { locations: ['929095'] }, true, ['whole-county alert 029095 Jackson County, MO covers 929095 Southeast Jackson County, MO']],
  ['another part of the county', 'ZCZC-WXR-TOR-129095+0030-1051700-KEAX/NWS-', { locations: ['929095'] }, false, ['no location of interest: alert for 129095 Northwest Jackson County, MO']],
  ['denied event', 'ZCZC-WXR-SVA-029095+0100-1051700-KEAX/NWS-', { locations: JACKSON, denyEvents: ['SVA'] }, false, ['event SVA denied by setting']],
  ['event not allowed', 'ZCZC-WXR-FFW-029095+0100-1051700-KEAX/NWS-', { allowEvents: ['TOR', 'SVR'] }, false, ['event FFW is not in the allowed events']],
  ['allowed event', 'ZCZC-WXR-SVR-029095+0100-1051700-KEAX/NWS-', { allowEvents: ['TOR', 'SVR'] }, true, ['no locations of interest set: every location counts']],
  ['ignored test', 'ZCZC-WXR-RWT-029095+0015-1051700-KEAX/NWS-', { locations: JACKSON, ignoreTests: true }, false, ['event RWT ignored by setting (ignore tests)']],
  ['test kept when tests are not ignored', 'ZCZC-WXR-RWT-029095+0015-1051700-KEAX/NWS-', { locations: JACKSON }, true, ['matches 029095 Jackson County, MO']],
  ['originator filtered', 'ZCZC-EAS-CEM-029095+0100-1051700-KCMO/AM -', { originators: ['WXR', 'CIV'] }, false, ['originator EAS is not in the originator filter']],
  ['several refusals at once', 'ZCZC-EAS-RMT-020173+0100-1051700-KCMO/AM -', { locations: JACKSON, ignoreTests: true, originators: ['WXR'] }, false, [
    'event RMT ignored by setting (ignore tests)',
    'originator EAS is not in the originator filter',
    'no location of interest: alert for 020173 Sedgwick County, KS',
  ]],
  ['national activation is never filtered', 'ZCZC-PEP-EAN-000000+0400-1051700-WHITEHSE-', { locations: JACKSON, denyEvents: ['EAN'], originators: ['WXR'] }, true, ['event EAN (National Emergency Message) is always relevant']],
];

describe('relevance', () => {
  it.each(TABLE)('%s', (_name, raw, s, relevant, reasons) => {
    expect(judge(raw, s)).toEqual({ relevant, reasons });
  });

  it('matches locations both ways and by subdivision', () => {
    expect(matchLocation('029095', '029095')).toBe('same');
    expect(matchLocation('000000', '029095')).toBe('nation');
    expect(matchLocation('029095', '000000')).toBe('nation');
    expect(matchLocation('029000', '029095')).toBe('state');
    expect(matchLocation('029095', '029000')).toBe('state');
    expect(matchLocation('129000', '929095')).toBeNull();
    expect(matchLocation('129095', '029095')).toBe('county');
    expect(matchLocation('020095', '029095')).toBeNull();
    expect(matchLocation('029047', '029095')).toBeNull();
  });

  it('settings say what is wrong in words a person reads', () => {
    const bad = RelevanceSettings.safeParse({ locations: ['29095'], allowEvents: ['TOR'], denyEvents: ['TOR'], originators: ['NWS'], ignoreTests: false });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual(expect.arrayContaining([
      expect.stringMatching(/^locations\.0: a location code is 6 digits/),
      expect.stringMatching(/^originators\.0: an originator is one of PEP, CIV, WXR, EAS, EAN/),
    ]));
  });

  it('finds counties and states by name or code for the picker', () => {
    expect(searchLocations('jackson mo', tables)).toEqual([{ code: '029095', name: 'Jackson County, MO', kind: 'county' }]);
    expect(searchLocations('missouri', tables)[0]).toEqual({ code: '029000', name: 'All of Missouri', kind: 'state' });
    expect(searchLocations('29095', tables)).toEqual([{ code: '029095', name: 'Jackson County, MO', kind: 'county' }]);
    expect(searchLocations('000000', tables)).toEqual([{ code: '000000', name: 'All of the United States', kind: 'country' }]);
    expect(searchLocations('jackson', tables, 50).length).toBeGreaterThan(10);
    expect(searchLocations('zzzz-no-such-place', tables)).toEqual([]);
  });
});
