/**
 * The renderer's Content-Security-Policy, one string for the Electron window and serve mode:
 * nothing inline, nothing from elsewhere. It lives in the contract because it is part of what
 * the renderer is promised and held to, whichever transport serves it. eas-media: is
 * Electron's scheme for recorded alert audio (fetched for the waveform, played by <audio>).
 */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' eas-media:; img-src 'self' data:; " +
  "media-src 'self' eas-media: blob:; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
