// Random and mutated SAME bursts through the public receiver, and random and mutated text
// through the header parser: nothing crashes, and no alert comes out that two bursts did not
// carry. Clean headers in the mix must decode, so the suite cannot pass by hearing nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_LOCATIONS, parseHeader } from '../../electron/core/alerts/header';
import { cases, FULL, params, SEED, timeoutMs } from './budget';
import { checkTrial, describeTrial, mutate, receive, render, trial, validHeader } from './same-trials';

/** The parser's rule as one regular expression: an independent oracle for differential testing. */
const HEADER_RULE =
  /^ZCZC-(PEP|CIV|WXR|EAS|EAN)-[A-Z]{3}-\d{6}(-\d{6}){0,30}\+\d{2}[0-5]\d-(\d{3})([01]\d|2[0-3])[0-5]\d-[A-Z0-9/ ]{3,8}-$/;

function oracle(raw: string): boolean {
  const m = HEADER_RULE.exec(raw);
  if (!m) return false;
  const day = Number(m[3]);
  return day >= 1 && day <= 366;
}

describe(`SAME fuzz (${FULL ? 'full' : 'short'} run, seed ${SEED})`, () => {
  it(
    'bursts through the receiver: no crash, no phantom header, every clean header decoded',
    () => {
      let bursts = 0;
      const kinds = new Map<string, number>();
      const grammar: string[] = [];
      fc.assert(
        fc.property(trial, (t) => {
          bursts += t.bursts.length;
          kinds.set(t.kind, (kinds.get(t.kind) ?? 0) + 1);
          const verdict = checkTrial(t, receive(t, render(t)));
          if (verdict.problem) throw new Error(`${verdict.problem}\n  trial ${describeTrial(t)}`);
          if (verdict.grammarDecided && grammar.length < 3) grammar.push(describeTrial(t));
        }),
        params(cases(1500, 450_000)),
      );
      console.log(`SAME fuzz: ${bursts} bursts in ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')} trials (seed ${SEED})`);
      if (grammar.length) console.log(`headers the grammar settled against a disagreeing burst, e.g.:\n  ${grammar.join('\n  ')}`);
      expect(kinds.get('control')).toBeGreaterThan(0);
    },
    timeoutMs(60_000, 6 * 3600_000),
  );

  it(
    'the header parser never throws, agrees with the rule, and rebuilds what it accepts',
    () => {
      const text = fc.oneof(
        fc.string({ maxLength: 300 }),
        fc.string({ unit: 'binary', maxLength: 300 }),
        validHeader,
        fc.tuple(validHeader, fc.array(fc.record({ at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), ch: fc.integer({ min: 0, max: 127 }) }), { minLength: 1, maxLength: 3 })).map(([h, subs]) =>
          String.fromCharCode(...mutate(Uint8Array.from(h, (c) => c.charCodeAt(0)), subs.map((s) => ({ op: 'sub' as const, ...s })))),
        ),
      );
      fc.assert(
        fc.property(text, (raw) => {
          const r = parseHeader(raw);
          expect(r.ok, `parser and rule disagree on ${JSON.stringify(raw)}: ${r.ok ? 'accepted' : r.error.message}`).toBe(oracle(raw));
          if (!r.ok) {
            expect(typeof r.error.message).toBe('string');
            return;
          }
          const h = r.header;
          expect(h.locations.length).toBeGreaterThanOrEqual(1);
          expect(h.locations.length).toBeLessThanOrEqual(MAX_LOCATIONS);
          const p2 = (n: number): string => String(n).padStart(2, '0');
          const rebuilt =
            `ZCZC-${h.originator}-${h.event}-${h.locations.join('-')}+${p2(h.purge.hours)}${p2(h.purge.minutes)}-` +
            `${String(h.issued.day).padStart(3, '0')}${p2(h.issued.hour)}${p2(h.issued.minute)}-${h.callsign}-`;
          expect(rebuilt).toBe(raw);
        }),
        params(cases(50_000, 5_000_000)),
      );
      // Not a string at all (a bad caller): a typed error, not a throw.
      for (const v of [undefined, null, 42, {}, [], Symbol('x')]) expect(parseHeader(v as unknown as string).ok).toBe(false);
    },
    timeoutMs(60_000, 3600_000),
  );
});
