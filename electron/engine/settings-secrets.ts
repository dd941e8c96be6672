import { ContractError, hasMaskedSecret, maskUri, restoreUriSecrets, type Settings } from '../contract';

/**
 * Settings as they leave the engine (settings.get, settings.update's answer): credentials in
 * source URIs masked, as sources.list and /api/status already show them. The engine keeps
 * the full URIs; a client that edits the settings sends the masked ones back and
 * restorePatchSecrets puts the credentials back in.
 */
export function publicSettings(s: Settings): Settings {
  return { ...s, sources: s.sources.map((src) => ({ ...src, uri: maskUri(src.uri) })) };
}

/**
 * A settings.update patch with each masked source URI restored from the stored source of the
 * same id (same scheme, host and port only). Throws invalid_settings naming the field when a
 * mask is left, so "***" is never saved or sent as a password.
 */
export function restorePatchSecrets(patch: unknown, current: Settings): unknown {
  if (!patch || typeof patch !== 'object' || !Array.isArray((patch as { sources?: unknown }).sources)) return patch;
  const stored = new Map(current.sources.map((s) => [s.id, s.uri]));
  const sources = ((patch as { sources: unknown[] }).sources).map((src, i) => {
    if (!src || typeof src !== 'object') return src;
    const { id, uri } = src as { id?: unknown; uri?: unknown };
    if (typeof uri !== 'string') return src;
    const restored = restoreUriSecrets(uri, typeof id === 'string' ? stored.get(id) : undefined);
    if (hasMaskedSecret(restored)) {
      throw new ContractError(
        'invalid_settings',
        `sources.${i}.uri: the credentials in this URI are masked (***) and were saved for another server or source; type them in again`,
        `sources.${i}.uri`,
      );
    }
    return { ...src, uri: restored };
  });
  return { ...(patch as object), sources };
}
