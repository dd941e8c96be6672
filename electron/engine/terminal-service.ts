import { ContractError, type AppInfo, type CommandArgs, type EventPayload } from '../contract';
import { PtyHost, PtyHostError, type PtyHostOptions } from '../../native/pty-host';

export interface TerminalServiceOptions {
  mode: AppInfo['mode'];
  /**
   * Serve mode only: `serve --terminal` on a loopback address. Electron always allows it (the
   * shell runs as the user sitting at the machine); a WebSocket terminal is a remote shell.
   */
  enabled: boolean;
  onOutput: (payload: EventPayload<'terminal.output'>) => void;
  onExit: (payload: EventPayload<'terminal.exit'>) => void;
  pty?: PtyHostOptions;
}

export const TERMINAL_OFF_MESSAGE =
  'The diagnostics terminal is off in serve mode: over the network it would be a remote shell for anyone with the token. ' +
  'To enable it, restart with `eas-console serve --terminal` bound to a loopback address (--host 127.0.0.1, the default) ' +
  'and reach it from this machine or through an SSH tunnel.';

/** The contract's terminal.* commands over a PtyHost, refused where a shell must not be offered. */
export class TerminalService {
  private host: PtyHost | null = null;
  readonly enabled: boolean;

  constructor(private readonly opts: TerminalServiceOptions) {
    this.enabled = opts.mode === 'electron' || opts.enabled;
  }

  open(args: CommandArgs<'terminal.open'>): { id: string } {
    if (!this.enabled) throw new ContractError('unavailable', TERMINAL_OFF_MESSAGE);
    return { id: this.wrap(() => this.pty().open(args.cols, args.rows)) };
  }

  input(args: CommandArgs<'terminal.input'>): Record<string, never> {
    this.wrap(() => this.pty().write(args.id, args.data));
    return {};
  }

  resize(args: CommandArgs<'terminal.resize'>): Record<string, never> {
    this.wrap(() => this.pty().resize(args.id, args.cols, args.rows));
    return {};
  }

  async close(args: CommandArgs<'terminal.close'>): Promise<Record<string, never>> {
    await this.host?.close(args.id);
    return {};
  }

  /** Kills every shell (engine stop). */
  async stop(): Promise<void> {
    await this.host?.closeAll();
  }

  // Created on first use, so an engine that never opens a terminal never loads node-pty's work.
  private pty(): PtyHost {
    if (!this.host) {
      const host = new PtyHost(this.opts.pty);
      host.on('output', this.opts.onOutput);
      host.on('exit', this.opts.onExit);
      this.host = host;
    }
    return this.host;
  }

  private wrap<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof PtyHostError)) throw err;
      throw new ContractError(err.kind === 'not_found' ? 'not_found' : 'unavailable', err.message, err.kind === 'not_found' ? 'id' : undefined);
    }
  }
}
