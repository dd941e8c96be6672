/**
 * A tiny argv parser for the decode/encode commands (--flag, --key value, --key=value,
 * positionals), and the replies the node:util parseArgs commands (serve, archive, diagnostics)
 * share.
 */

export interface ParsedArgs {
  flags: Set<string>;
  values: Map<string, string>;
  positionals: string[];
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * `booleans` take no value; `valued` take one. Anything else starting with "--" is a usage error.
 * A lone "-" is a positional (stdin).
 */
export function parseArgs(argv: string[], booleans: readonly string[], valued: readonly string[]): ParsedArgs {
  const out: ParsedArgs = { flags: new Set(), values: new Map(), positionals: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a === '-h') {
      out.flags.add('help');
      continue;
    }
    if (!a.startsWith('--')) {
      out.positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (booleans.includes(name)) {
      if (eq > 0) throw new UsageError(`--${name} takes no value`);
      out.flags.add(name);
    } else if (valued.includes(name)) {
      const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      out.values.set(name, value);
    } else {
      throw new UsageError(`unknown option ${a}`);
    }
  }
  return out;
}

/** A number option within [min, max], or the default. */
export function numberOption(args: ParsedArgs, name: string, dflt: number, min: number, max: number, integer = false): number {
  const v = args.values.get(name);
  if (v === undefined) return dflt;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}; got "${v}"`);
  }
  return n;
}

/** An argv that node:util parseArgs refused: the reason, then the usage, on stderr; exit code 2. */
export function usageFailure(err: unknown, usage: string): number {
  process.stderr.write(`${(err as Error).message}\n\n${usage}`);
  return 2;
}

/** A whole-number option in [min, max]; null, after saying why on stderr, otherwise. */
export function wholeNumberArg(name: string, raw: string | undefined, min: number, max: number): number | null {
  const n = Number(raw);
  if (Number.isInteger(n) && n >= min && n <= max) return n;
  process.stderr.write(`--${name} must be ${min}-${max}, got "${raw}"\n`);
  return null;
}
