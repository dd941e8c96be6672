import type { CommandArgs, CommandName, CommandResult } from './commands';
import type { EventName, EventPayload } from './events';

/**
 * The one interface the renderer talks to. window.eas (Electron preload) and the serve-mode
 * WebSocket client both implement it; the renderer cannot tell which it has.
 * `call` rejects with a ContractError.
 */
export interface ConsoleApi {
  call<C extends CommandName>(cmd: C, args: CommandArgs<C>): Promise<CommandResult<C>>;
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
  /**
   * Where the browser can fetch an alert's recorded audio (a WAV; 404 when it has none):
   * `/api/alerts/<id>/audio` in serve mode, `eas-media://alerts/<id>/audio` in Electron.
   */
  alertAudioUrl(alertId: string): string;
}

/** Electron's privileged scheme for recorded audio (the page is file://, so it cannot use /api). */
export const MEDIA_SCHEME = 'eas-media';

/** The path of an alert's audio, shared by both transports so they cannot drift apart. */
export function alertAudioPath(alertId: string): string {
  return `alerts/${encodeURIComponent(alertId)}/audio`;
}
