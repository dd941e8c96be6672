import { useEffect, useRef, useState } from 'react';
import type { LocationInfo } from '@contract';
import { toContractError } from '../lib/contract-error';
import { searchLocations } from '../store/actions';

/**
 * Locations of interest as an ENDEC lists them: each a code with its place name, found by
 * typing a county or state name (the engine searches the FIPS tables) or a 6-digit code.
 */
export function LocationPicker({ codes, onChange, error }: { codes: string[]; onChange(codes: string[]): void; error?: string }) {
  const [names, setNames] = useState<Record<string, string>>({});
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<LocationInfo[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [searching, setSearching] = useState(false);
  const asked = useRef(new Set<string>());

  // Names for the codes already held. Each code is asked once; an answer arriving after
  // other edits still lands (setting state after unmount is a no-op in React 19).
  useEffect(() => {
    const missing = codes.filter((c) => !asked.current.has(c) && /^\d{6}$/.test(c));
    if (missing.length === 0) return;
    missing.forEach((c) => asked.current.add(c));
    // The engine names one code per query; a station holds a handful.
    void Promise.all(missing.map((c) => searchLocations(c, 1).catch(() => []))).then((answers) => {
      const found = answers.flat();
      setNames((prev) => ({ ...prev, ...Object.fromEntries(found.map((l) => [l.code, l.name])) }));
    });
  }, [codes]);

  useEffect(() => {
    const q = query.trim();
    if (q.length < 2) {
      setResults([]);
      setProblem(null);
      return;
    }
    let live = true;
    const t = setTimeout(() => {
      setSearching(true);
      searchLocations(q, 20).then(
        (found) => {
          if (!live) return;
          setResults(found);
          setProblem(found.length === 0 ? `No county, state or area matches “${q}”.` : null);
          setSearching(false);
        },
        (err: unknown) => {
          if (!live) return;
          setResults([]);
          setProblem(`Cannot search places: ${toContractError(err).message}`);
          setSearching(false);
        },
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [query]);

  const add = (l: LocationInfo): void => {
    asked.current.add(l.code);
    setNames((prev) => ({ ...prev, [l.code]: l.name }));
    if (!codes.includes(l.code)) onChange([...codes, l.code]);
    setQuery('');
    setResults([]);
  };

  return (
    <div className="location-picker" data-testid="location-picker">
      {codes.length === 0 ? (
        <div className="muted small">None: every location counts as this station's.</div>
      ) : (
        <ul className="chips">
          {codes.map((c) => (
            <li key={c} className="chip" data-code={c}>
              <span className="mono">{c}</span> {names[c] ?? ''}
              <button type="button" className="chip-remove" aria-label={`Remove ${names[c] ?? c}`} onClick={() => onChange(codes.filter((x) => x !== c))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <input
        type="search"
        data-testid="location-search"
        value={query}
        aria-invalid={error ? true : undefined}
        placeholder="Add: type a county or state (Jackson, Missouri) or a code (029095)"
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            if (results[0]) add(results[0]);
          }
        }}
      />
      {searching && <span className="muted small"> searching…</span>}
      {results.length > 0 && (
        <ul className="location-results" data-testid="location-results">
          {results.map((l) => (
            <li key={l.code}>
              <button type="button" className="small" onClick={() => add(l)} disabled={codes.includes(l.code)}>
                {codes.includes(l.code) ? 'Added' : 'Add'}
              </button>{' '}
              <span className="mono">{l.code}</span> {l.name} <span className="muted small">{l.kind}</span>
            </li>
          ))}
        </ul>
      )}
      {problem && <div className="muted small">{problem}</div>}
    </div>
  );
}
