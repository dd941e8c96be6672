import type { EngineProblem } from '../../contract';

/**
 * What the operator must fix now, by code: raised while a condition holds (the history cannot
 * be written), cleared when it ends. Listeners hear the whole list on every change, so a UI
 * that missed one still shows the truth; /api/status carries the same list.
 */
export class ProblemBoard {
  private readonly byCode = new Map<string, EngineProblem>();
  private readonly listeners = new Set<(problems: EngineProblem[]) => void>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Raises or rewords a problem; `since` stays that of its first raise. */
  raise(code: string, message: string): void {
    const prev = this.byCode.get(code);
    if (prev?.message === message) return;
    this.byCode.set(code, { code, message, since: prev?.since ?? this.now().toISOString() });
    this.changed();
  }

  clear(code: string): void {
    if (this.byCode.delete(code)) this.changed();
  }

  has(code: string): boolean {
    return this.byCode.has(code);
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
