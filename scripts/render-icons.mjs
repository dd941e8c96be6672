// Renders assets/icons/eas-console.svg (the one master) to the PNGs the app and its packages
// use: the app icon at every size Linux asks for (hicolor 16..512, named NxN.png as
// electron-builder's linux.icon directory wants) and the tray's state variants, each at 1x
// and @2x (Electron's nativeImage picks the @2x file up by itself on HiDPI).
// Built by `npm run build` rather than committed: the whole set takes well under a second,
// and a committed PNG could drift from the master without anyone noticing.
import { Resvg } from '@resvg/resvg-js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const MASTER = join(root, 'assets', 'icons', 'eas-console.svg');
export const ICON_OUT = join(root, 'dist', 'icons');
export const APP_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];
export const TRAY_SIZE = 24;
/** The largest count the tray draws as a digit; more shows "9+". */
export const TRAY_COUNT_MAX = 9;

const COLOURS = { plate: '#0d1117', trace: '#33d1ff', alert: '#e5322d', failed: '#f5a623', ink: '#ffffff' };

// Digits as strokes in a 200x300 box (seven-segment outlines with round joins): vector
// shapes that stay legible at 16 px without depending on whatever fonts the build machine has.
const DIGITS = {
  0: ['M0 0H200V300H0Z'],
  1: ['M40 60L100 0V300'],
  2: ['M0 0H200V150H0V300H200'],
  3: ['M0 0H200V300H0', 'M40 150H200'],
  4: ['M0 0V150H200', 'M200 0V300'],
  5: ['M200 0H0V150H200V300H0'],
  6: ['M200 0H0V300H200V150H0'],
  7: ['M0 0H200V300'],
  8: ['M0 0H200V300H0Z', 'M0 150H200'],
  9: ['M200 150H0V0H200V300H0'],
};

function glyph(paths, x, y, scale, stroke) {
  const d = paths.join('');
  return `<path d="${d}" transform="translate(${x} ${y}) scale(${scale})" fill="none" stroke="${COLOURS.ink}" stroke-width="${stroke / scale}" stroke-linecap="round" stroke-linejoin="round"/>`;
}

/** The master with its plate and trace recoloured and, for a mark, the trace replaced. */
function variant(master, { plate, trace, mark }) {
  let svg = master.replace('</svg>', `<style>.plate{fill:${plate}}.wave{stroke:${trace}}${mark ? '.wave{display:none}' : ''}</style>${mark ?? ''}</svg>`);
  if (!svg.includes('class="plate"') || !svg.includes('class="wave"')) throw new Error(`${MASTER} lost its .plate or .wave element`);
  return svg;
}

function countMark(n) {
  if (n <= TRAY_COUNT_MAX) return glyph(DIGITS[n], 156, 106, 1, 60);
  // "9+": a smaller nine (160x240) and a plus beside it.
  const plus = `<path d="M325 256h110M380 201v110" fill="none" stroke="${COLOURS.ink}" stroke-width="52" stroke-linecap="round"/>`;
  return glyph(DIGITS[9], 80, 136, 0.8, 56) + plus;
}

/** Every tray variant by file stem: normal, failed (a flat trace: signal lost), alert, alert-1..9, alert-9plus. */
export function trayVariants(master) {
  const out = {
    'tray-normal': variant(master, { plate: COLOURS.plate, trace: COLOURS.trace }),
    'tray-failed': variant(master, {
      plate: COLOURS.failed,
      trace: COLOURS.plate,
      mark: `<path d="M64 256h384" stroke="${COLOURS.plate}" stroke-width="52" stroke-linecap="round"/>`,
    }),
    'tray-alert': variant(master, { plate: COLOURS.alert, trace: COLOURS.ink }),
  };
  for (let n = 1; n <= TRAY_COUNT_MAX + 1; n++) {
    const stem = n > TRAY_COUNT_MAX ? `tray-alert-${TRAY_COUNT_MAX}plus` : `tray-alert-${n}`;
    out[stem] = variant(master, { plate: COLOURS.alert, trace: COLOURS.ink, mark: countMark(n) });
  }
  return out;
}

function png(svg, size) {
  return new Resvg(svg, { fitTo: { mode: 'width', value: size }, font: { loadSystemFonts: false } }).render().asPng();
}

/** Writes dist/icons/app/NxN.png and dist/icons/tray-*.png (+@2x); returns the files written. */
export function renderIcons(outDir = ICON_OUT, masterFile = MASTER) {
  const master = readFileSync(masterFile, 'utf8');
  const written = [];
  const put = (file, data) => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, data);
    written.push(file);
  };
  for (const size of APP_SIZES) put(join(outDir, 'app', `${size}x${size}.png`), png(master, size));
  for (const [stem, svg] of Object.entries(trayVariants(master))) {
    put(join(outDir, `${stem}.png`), png(svg, TRAY_SIZE));
    put(join(outDir, `${stem}@2x.png`), png(svg, TRAY_SIZE * 2));
  }
  return written;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const files = renderIcons(process.argv[2] ?? ICON_OUT);
  console.log(`rendered ${files.length} icons into ${process.argv[2] ?? ICON_OUT}`);
}
