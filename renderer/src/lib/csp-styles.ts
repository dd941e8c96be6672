/**
 * xterm.js 6 builds part of its look (cell size, theme colours, scrollbar) in <style> elements
 * it creates itself, and our CSP (style-src 'self', no 'unsafe-inline') rightly blocks those:
 * the terminal would render unsized and colourless and log violations. Constructed style
 * sheets (CSSStyleSheet + adoptedStyleSheets) are CSSOM, which the CSP does not restrict, and
 * carry the same rules. So, while `fn` runs (xterm's open(), which creates all three of its
 * style elements synchronously), document.createElement('style') hands out an inert stand-in
 * whose textContent feeds a constructed sheet instead.
 *
 * Scoped to the call, not installed for the page: nothing else in the console creates styles.
 */
export function withConstructedStyles(doc: Document, fn: () => void): { dispose(): void } {
  const sheets: CSSStyleSheet[] = [];
  const drop = (sheet: CSSStyleSheet): void => {
    doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => s !== sheet);
  };
  const original = doc.createElement;
  const patched = function (this: Document, tagName: string, options?: ElementCreationOptions): HTMLElement {
    if (tagName.toLowerCase() !== 'style') return original.call(doc, tagName, options);
    // A <template> never renders and may sit anywhere, like the <style> it replaces.
    const standIn = original.call(doc, 'template', options);
    const sheet = new CSSStyleSheet();
    let text = '';
    sheets.push(sheet);
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
    Object.defineProperty(standIn, 'textContent', {
      get: () => text,
      set: (v: string | null) => {
        text = v ?? '';
        sheet.replaceSync(text);
      },
    });
    const remove = standIn.remove.bind(standIn);
    standIn.remove = () => {
      drop(sheet);
      remove();
    };
    return standIn;
  };
  Object.defineProperty(doc, 'createElement', { value: patched, configurable: true, writable: true });
  try {
    fn();
  } finally {
    // The prototype's createElement shows through again.
    delete (doc as { createElement?: unknown }).createElement;
  }
  return {
    dispose() {
      for (const s of sheets) drop(s);
      sheets.length = 0;
    },
  };
}
