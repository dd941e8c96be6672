/**
 * One alert per message. A SAME header carries its own issue time and purge period, so the
 * exact header text, read at the issue time inferred from when it was heard, names one message:
 * a repeat, a relay or another input hearing it gives the same identity; any other header
 * (a new issue time, an extra county, one different letter) is another message.
 */
export function alertIdentity(raw: string, issuedAt: Date | string): string {
  const iso = typeof issuedAt === 'string' ? new Date(issuedAt).toISOString() : issuedAt.toISOString();
  return `${raw}@${iso}`;
}
