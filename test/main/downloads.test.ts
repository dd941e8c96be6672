// Downloads from the console's page go through Electron's save dialog; nothing else downloads.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { saveDownloadsWithDialog, type DownloadLike } from '../../electron/main/downloads';

class FakeItem extends EventEmitter implements DownloadLike {
  dialog: Parameters<DownloadLike['setSaveDialogOptions']>[0] | null = null;
  cancelled = false;
  constructor(private readonly url: string, private readonly name: string) {
    super();
  }
  getURL(): string {
    return this.url;
  }
  getFilename(): string {
    return this.name;
  }
  setSaveDialogOptions(o: Parameters<DownloadLike['setSaveDialogOptions']>[0]): void {
    this.dialog = o;
  }
  cancel(): void {
    this.cancelled = true;
  }
  getSavePath(): string {
    return `/picked/${this.name}`;
  }
}

describe('downloads', () => {
  const session = new EventEmitter();
  const log: string[] = [];
  saveDownloadsWithDialog(session, { downloadsDir: () => '/home/op/Downloads', log: (m) => log.push(m) });

  it('asks where to save an archive export (a blob of the page) or a history export (eas-media)', () => {
    for (const [url, name] of [
      ['blob:file:///1b2c', 'src-2026-12-01T03-00-00-000Z.wav'],
      ['eas-media://alerts/export.csv?from=x', 'eas-alerts.csv'],
    ] as const) {
      const item = new FakeItem(url, name);
      session.emit('will-download', {}, item);
      expect(item.cancelled, url).toBe(false);
      expect(item.dialog, url).toEqual({ title: `Save ${name}`, defaultPath: `/home/op/Downloads/${name}`, buttonLabel: 'Save' });
      item.emit('done', {}, 'completed');
      expect(log.at(-1)).toBe(`saved /picked/${name}`);
    }
  });

  it('refuses a download from anywhere else', () => {
    const item = new FakeItem('https://example.com/x.exe', 'x.exe');
    session.emit('will-download', {}, item);
    expect(item.cancelled).toBe(true);
    expect(item.dialog).toBeNull();
    expect(log.at(-1)).toMatch(/download refused: https:\/\/example\.com\/x\.exe/);
  });
});
