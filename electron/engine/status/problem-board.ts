import type { EngineProblem } from '../../contract';

/**
 * What the operator must fix now, by code (and scope, e.g. the source it is about, so one
 * source's recovery does not clear another's failure): raised while a condition holds (the
 * history cannot be written), cleared when it ends. Listeners hear the whole list on every change, so a UI
 * that missed one still shows the truth; /api/status carries the same list.
 */
export class ProblemBoard {
  private readonly byCode = new Map<string, EngineProblem>();
  private readonly listeners = new Set<(problems: EngineProblem[]) => void>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Raises or rewords a problem; `since` stays that of its first raise. */
  raise(code: string, message: string, scope?: string): void {
    const key = keyOf(code, scope);
    const prev = this.byCode.get(key);
    if (prev?.message === message) return;
    this.byCode.set(key, { code, message, since: prev?.since ?? this.now().toISOString() });
    this.changed();
  }

  clear(code: string, scope?: string): void {
    if (this.byCode.delete(keyOf(code, scope))) this.changed();
  }

  /** Clears every problem about `scope` (a source that was removed: nobody can fix it now). */
  clearScope(scope: string): void {
    const suffix = `\u0000${scope}`;
    let any = false;
    for (const key of [...this.byCode.keys()]) if (key.endsWith(suffix) && this.byCode.delete(key)) any = true;
    if (any) this.changed();
  }

  has(code: string, scope?: string): boolean {
    return this.byCode.has(keyOf(code, scope));
  }

  list(): EngineProblem[] {
    return [...this.byCode.values()];
  }

  onChange(listener: (problems: EngineProblem[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    const list = this.list();
    for (const l of this.listeners) {
      try {
        l(list);
      } catch {
        // A UI that fails to hear it must not stop whoever raised it (the history's writes).
      }
    }
  }
}

function keyOf(code: string, scope: string | undefined): string {
  return scope === undefined ? code : `${code}\u0000${scope}`;
}
