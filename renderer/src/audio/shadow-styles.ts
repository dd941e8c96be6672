/**
 * wavesurfer.js builds its shadow root with `shadow.innerHTML = '<style>…</style><div…>'`, and
 * our CSP (style-src 'self', no 'unsafe-inline', no nonces: the page is static) blocks that
 * <style>: the waveform would lose its layout and the page would log a violation. As
 * csp-styles.ts does for xterm.js, the rules go into a constructed style sheet (CSSOM, which
 * the CSP does not restrict) adopted by that shadow root, and the markup goes in without them.
 *
 * While `fn` runs (WaveSurfer.create(), which attaches its shadow root synchronously), every
 * attachShadow() returns a root whose first innerHTML assignment is filtered this way.
 */
export function withShadowStyles<T>(fn: () => T): T {
  const proto = Element.prototype;
  const original = proto.attachShadow;
  const nativeInner = Object.getOwnPropertyDescriptor(ShadowRoot.prototype, 'innerHTML');
  if (!nativeInner?.set || !nativeInner.get) return fn();
  const setInner = nativeInner.set;
  const getInner = nativeInner.get;
  proto.attachShadow = function (this: Element, init: ShadowRootInit): ShadowRoot {
    const root = original.call(this, init);
    Object.defineProperty(root, 'innerHTML', {
      configurable: true,
      get: () => getInner.call(root) as string,
      set: (html: string) => {
        const rules: string[] = [];
        const markup = html.replace(/<style\b[^>]*>([\s\S]*?)<\/style>/gi, (_m, css: string) => {
          rules.push(css);
          return '';
        });
        if (rules.length) {
          const sheet = new CSSStyleSheet();
          sheet.replaceSync(rules.join('\n'));
          root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
        }
        // Later assignments (none in wavesurfer 7) go straight to the platform.
        delete (root as { innerHTML?: unknown }).innerHTML;
        setInner.call(root, markup);
      },
    });
    return root;
  };
  try {
    return fn();
  } finally {
    proto.attachShadow = original;
  }
}
