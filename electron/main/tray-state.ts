// What the tray shows, worked out from the engine's status alone (no Electron here): the
// operator glancing at the panel must see an alert or a dead input without opening the window.
import type { Alert, SourceStatus } from '../contract';
import type { TrayVariant } from './icons';

export interface TrayLook {
  variant: TrayVariant;
  /** Alerts that need the operator (shown on the icon). */
  count: number;
  tooltip: string;
}

/** A source that is not monitoring: down, or delivering no audio at all. */
export function isDown(s: Pick<SourceStatus, 'enabled' | 'state'>): boolean {
  return s.enabled && (s.state === 'failed' || s.state === 'retrying' || s.state === 'stalled');
}

/**
 * The alerts the icon counts: active, relevant to this station, not yet acknowledged. The
 * others are on screen in the console's quieter strip, not worth a red tray icon.
 */
export function alertsNeedingAttention(active: readonly Alert[]): Alert[] {
  return active.filter((a) => a.state === 'active' && a.relevance.relevant && a.acknowledgement === null);
}

/** An alert outranks a failed source: both are in the tooltip, the icon shows the alert. */
export function trayLook(input: { sources: readonly SourceStatus[]; activeAlerts: readonly Alert[] }, product = 'EAS Monitor Console'): TrayLook {
  const alerts = alertsNeedingAttention(input.activeAlerts);
  const down = input.sources.filter(isDown);
  const lines = [product];
  if (alerts.length) {
    const names = [...new Set(alerts.map((a) => a.eventName))].slice(0, 3).join(', ');
    lines.push(`${alerts.length} active alert${alerts.length === 1 ? '' : 's'}: ${names}`);
  }
  if (down.length) lines.push(`${down.length} source${down.length === 1 ? '' : 's'} down: ${down.map((s) => s.name).slice(0, 3).join(', ')}`);
  if (!alerts.length && !down.length) lines.push('monitoring, no active alert');
  const variant: TrayVariant = alerts.length ? 'alert' : down.length ? 'failed' : 'normal';
  return { variant, count: alerts.length, tooltip: lines.join('\n') };
}
