// Downloads from the console's page (an archive export, a history export) are saved where the
// operator picks, through Electron's own save dialog (asynchronous: the engine shares this
// process and must not wait on a modal). Nothing else may download.
import { join } from 'node:path';

/** The parts of Electron's DownloadItem used here. */
export interface DownloadLike {
  getURL(): string;
  getFilename(): string;
  setSaveDialogOptions(options: { title?: string; defaultPath?: string; buttonLabel?: string }): void;
  cancel(): void;
  once(event: 'done', listener: (e: unknown, state: string) => void): unknown;
  getSavePath(): string;
}

export interface SessionLike {
  on(event: 'will-download', listener: (e: unknown, item: DownloadLike) => void): unknown;
}

/** What the page makes downloads from: its own blobs (archive export) and eas-media: (history export). */
const OWN_SCHEMES = ['blob:', 'eas-media:'];

export function saveDownloadsWithDialog(ses: SessionLike, o: { downloadsDir: () => string; log: (message: string) => void }): void {
  ses.on('will-download', (_e, item) => {
    const url = item.getURL();
    if (!OWN_SCHEMES.some((s) => url.startsWith(s))) {
      item.cancel();
      o.log(`download refused: ${url.slice(0, 80)} is not the console's own`);
      return;
    }
    const name = item.getFilename();
    item.setSaveDialogOptions({ title: `Save ${name}`, defaultPath: join(o.downloadsDir(), name), buttonLabel: 'Save' });
    item.once('done', (_ev, state) => {
      if (state === 'completed') o.log(`saved ${item.getSavePath()}`);
      else if (state === 'interrupted') o.log(`saving ${name} failed`);
    });
  });
}
