import type { Alert, ChimeSettings } from '@contract';

/** The banner's four colours; emergencies look like warnings, statements like advisories. */
export type BannerCategory = 'warning' | 'watch' | 'advisory' | 'test' | 'other';

export function bannerCategory(category: string): BannerCategory {
  switch (category.toLowerCase()) {
    case 'warning':
    case 'emergency':
      return 'warning';
    case 'watch':
      return 'watch';
    case 'advisory':
    case 'statement':
      return 'advisory';
    case 'test':
      return 'test';
    default:
      return 'other';
  }
}

/** Category -> colour class: warnings red, watches orange, advisories/statements yellow, tests blue. */
export function categoryClass(category: string): string {
  return `cat-${bannerCategory(category)}`;
}

const RANK: Record<BannerCategory, number> = { warning: 0, watch: 1, advisory: 2, other: 3, test: 4 };

/** Lower is more severe: warning, watch, advisory/statement, unknown, test. */
export function severityRank(a: Pick<Alert, 'category'>): number {
  return RANK[bannerCategory(a.category)];
}

/**
 * Most severe first; within a severity the unacknowledged ones first (they need someone),
 * then the newest.
 */
export function bySeverity(a: Alert, b: Alert): number {
  return (
    severityRank(a) - severityRank(b) ||
    Number(a.acknowledgement !== null) - Number(b.acknowledgement !== null) ||
    b.receivedAt.localeCompare(a.receivedAt)
  );
}

/**
 * Active now, from the engine's state and the clock: the engine pushes the expiry at its
 * moment, but a page that missed it (asleep, reconnecting) must not go on saying ACTIVE.
 */
export function isActiveAt(a: Pick<Alert, 'state' | 'expiresAt'>, now: number): boolean {
  return a.state === 'active' && Date.parse(a.expiresAt) > now;
}

export function areas(alert: Pick<Alert, 'locations'>, max = 6): string {
  if (alert.locations.length === 0) return 'no area given';
  const names = alert.locations.map((l) => l.name || l.code);
  return names.length > max ? `${names.slice(0, max).join('; ')}; and ${names.length - max} more` : names.join('; ');
}

/** Inputs that heard the alert, first hearer first, each once. */
export function sourceIds(alert: Pick<Alert, 'sourceId' | 'receptions'>): string[] {
  const ids = alert.receptions.length > 0 ? alert.receptions.map((r) => r.sourceId) : [alert.sourceId];
  return [...new Set(ids)];
}

/** The chime setting that covers an alert's category. */
export function chimeKey(category: string): keyof ChimeSettings | null {
  const c = bannerCategory(category);
  return c === 'other' ? 'advisory' : c;
}
