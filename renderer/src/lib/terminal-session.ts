import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import type { CommandResult, EventPayload } from '@contract';
import { withConstructedStyles } from './csp-styles';

/** What a session needs of the engine (store/actions.ts builds it on the ConsoleApi). */
export interface TerminalChannel {
  open(size: { cols: number; rows: number }): Promise<CommandResult<'terminal.open'>>;
  input(id: string, data: string): Promise<unknown>;
  resize(id: string, size: { cols: number; rows: number }): Promise<unknown>;
  close(id: string): Promise<unknown>;
  onOutput(listener: (o: EventPayload<'terminal.output'>) => void): () => void;
  onExit(listener: (e: EventPayload<'terminal.exit'>) => void): () => void;
}

export type SessionState =
  | { kind: 'opening' }
  | { kind: 'open'; id: string }
  | { kind: 'exited'; code: number }
  | { kind: 'failed'; code: string; message: string };

// The contract's bounds (electron/contract/terminal.ts); a tiny or huge panel is clamped.
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, Math.floor(v) || lo));
/** Keystrokes and pastes go in chunks well under the 64 KiB message limit, even JSON-escaped. */
const INPUT_CHUNK = 8 * 1024;

/**
 * One shell on the engine shown in an xterm.js terminal. It outlives the Diagnostics tab's
 * component (switching tabs must not kill a running `rtl_test`): the component attaches and
 * detaches its element; only Close, the shell's exit or leaving the page end it.
 */
export class TerminalSession {
  readonly term: Terminal;
  private readonly fit = new FitAddon();
  private readonly element: HTMLDivElement;
  private readonly styles: { dispose(): void };
  private readonly unsubscribe: Array<() => void> = [];
  private state: SessionState = { kind: 'opening' };
  private lastSize = { cols: 0, rows: 0 };
  private inputQueue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(s: SessionState) => void>();

  constructor(
    private readonly channel: TerminalChannel,
    host: HTMLElement,
  ) {
    this.term = new Terminal({
      cursorBlink: true,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace',
      fontSize: 13,
      scrollback: 5000,
      theme: { background: '#0b0f14' },
    });
    this.term.loadAddon(this.fit);
    // xterm needs a parent for open(); it gets its own so attach/detach can move it between mounts.
    this.element = document.createElement('div');
    this.element.className = 'terminal-surface';
    host.appendChild(this.element);
    this.styles = withConstructedStyles(document, () => this.term.open(this.element));
    this.fitNow();
  }

  /** Opens the shell; output arriving before the engine answered is kept and shown in order. */
  async start(): Promise<void> {
    const early: Array<{ id: string; data: string }> = [];
    let id: string | null = null;
    this.unsubscribe.push(
      this.channel.onOutput((o) => {
        if (id === null) early.push(o);
        else if (o.id === id) this.term.write(o.data);
      }),
      this.channel.onExit((e) => {
        if (id !== null && e.id === id) this.ended(e.code);
      }),
    );
    // The panel may have been hidden until this render: measure after the next frame.
    await new Promise<void>((r) => requestAnimationFrame(() => r()));
    this.fitNow();
    try {
      const size = this.size();
      ({ id } = await this.channel.open(size));
      this.lastSize = size;
    } catch (err) {
      const e = err as { code?: string; message?: string };
      this.setState({ kind: 'failed', code: e.code ?? 'internal', message: e.message ?? String(err) });
      this.dispose();
      return;
    }
    for (const o of early) if (o.id === id) this.term.write(o.data);
    const openId = id;
    this.setState({ kind: 'open', id: openId });
    this.term.onData((data) => this.send(openId, data));
    this.term.focus();
  }

  onState(fn: (s: SessionState) => void): () => void {
    this.listeners.add(fn);
    fn(this.state);
    return () => this.listeners.delete(fn);
  }

  get current(): SessionState {
    return this.state;
  }

  /** Moves the terminal into a (new) container and sizes it to fit. */
  attach(host: HTMLElement): void {
    if (this.element.parentElement !== host) host.appendChild(this.element);
    this.refit();
  }

  /** Fits the terminal to its container and tells the shell when the size changed. */
  refit(): void {
    this.fitNow();
    if (this.state.kind !== 'open') return;
    const size = this.size();
    if (size.cols === this.lastSize.cols && size.rows === this.lastSize.rows) return;
    this.lastSize = size;
    this.channel.resize(this.state.id, size).catch(() => undefined);
  }

  /** Ends the shell (if still running) and frees the terminal. */
  async close(): Promise<void> {
    if (this.state.kind === 'open') {
      const id = this.state.id;
      await this.channel.close(id).catch(() => undefined);
    }
    this.dispose();
  }

  dispose(): void {
    for (const u of this.unsubscribe.splice(0)) u();
    this.term.dispose();
    this.styles.dispose();
    this.element.remove();
  }

  private ended(code: number): void {
    this.term.write(`\r\n\x1b[2m[shell exited with code ${code}]\x1b[0m\r\n`);
    this.setState({ kind: 'exited', code });
    for (const u of this.unsubscribe.splice(0)) u();
  }

  private send(id: string, data: string): void {
    // Chained so a long paste's chunks reach the shell in order.
    for (let i = 0; i < data.length; i += INPUT_CHUNK) {
      const chunk = data.slice(i, i + INPUT_CHUNK);
      this.inputQueue = this.inputQueue.then(() => this.channel.input(id, chunk).catch(() => undefined));
    }
  }

  private fitNow(): void {
    // Hidden (display: none) panels measure 0: keep the last size rather than shrink to nothing.
    if (this.element.clientWidth > 0 && this.element.clientHeight > 0) this.fit.fit();
  }

  private size(): { cols: number; rows: number } {
    return { cols: clamp(this.term.cols, 10, 500), rows: clamp(this.term.rows, 5, 300) };
  }

  private setState(s: SessionState): void {
    this.state = s;
    for (const fn of this.listeners) fn(s);
  }
}
